import { randomUUID } from 'node:crypto';
import { access, link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { NotFoundError } from '../../domain/errors.js';
import type { ReencryptableStore } from '../../ports/atRestData.js';
import type { DocumentStore } from '../../ports/documentStore.js';
import { pageImageWidths, type PageImages, type PageImageSize } from '../../ports/pageImages.js';
import { FAX_WIDTH_PX, FAX_X_DPI } from './ghostscriptCommands.js';
import type { PlainFiles } from './plainFiles.js';
import type { ProcessPool } from './processPool.js';
import { readOpened, sealBytes, type Sealing } from './sealedFiles.js';
import { sealedFileSet } from './sealedFileSet.js';
import { createSingleFlight } from './singleFlight.js';

// Every fax page is the T.4 scan line wide (1728 dots at 204 dpi, 8.47 in; superfine doubles both),
// and tiff2pdf keeps that physical width, so one resolution per size gives the target width.
const FAX_PAGE_WIDTH_INCHES = FAX_WIDTH_PX / FAX_X_DPI;
// Fax pages are bilevel: rendered at 3× and averaged down, thin strokes become grey instead of vanishing.
const OVERSAMPLE = 3;
const RENDER_TIMEOUT_MS = 60_000;

export interface PageImageCacheOptions {
  /** The document store; with `plainFiles` and `sealing` (the file store gives all three), images are sealed at rest. */
  documents: DocumentStore & { plainFiles?: PlainFiles; sealing?: Sealing };
  /** Where rendered pages are kept (derived data: deleting it costs a re-render, nothing else). */
  cacheDir: string;
  /** Ghostscript runs here: bounded concurrency, time budget, no shell, never on the event loop. */
  pool: ProcessPool;
  timeoutMs?: number;
  logger?: Logger;
}

/** The AAD of a page image: its document, page and width, so images cannot be swapped. */
export const pageImageAad = (sha256: string, page: number, width: number) => `sha256-${sha256}/page-${page}-${width}w`;

/**
 * Page images rendered by ghostscript from the document's PDF rendition to grayscale PNG and kept
 * sealed under `<cacheDir>/<2 hex>/<sha256>-<page>-<width>w.png`. Documents are content-addressed
 * and never change, so a kept image is always current: a second request is a file read. Concurrent
 * first requests for one image share one rendering; ghostscript reads a private plain copy of the
 * PDF and writes a private plain PNG, both deleted at once; the image is stored under a temporary
 * name and linked into place, so a crash never leaves a half-written one under its final name.
 */
export function createPageImageCache(options: PageImageCacheOptions): PageImages & { reencryptable?: ReencryptableStore } {
  const once = createSingleFlight<string>();
  const { plainFiles, sealing } = options.documents;

  async function render(documentId: string, page: number, size: PageImageSize, target: string, aad: string): Promise<string> {
    if (await exists(target)) return target;
    const output = plainFiles ? plainFiles.scratchPath('.png') : `${target}.${randomUUID()}.tmp`;
    const stored = `${target}.${randomUUID()}.tmp`;
    const dpi = ((pageImageWidths[size] * OVERSAMPLE) / FAX_PAGE_WIDTH_INCHES).toFixed(3);
    try {
      await options.documents.withPlainFile(documentId, 'application/pdf', async (pdf) => {
        const result = await options.pool.run(
          'gs',
          [
            '-q', '-dNOPAUSE', '-dBATCH', '-dSAFER',
            '-sDEVICE=pnggray', `-r${dpi}`, `-dDownScaleFactor=${OVERSAMPLE}`,
            `-dFirstPage=${page}`, `-dLastPage=${page}`,
            // `%` starts a page-number template in OutputFile; the path is a literal name.
            `-sOutputFile=${output.replaceAll('%', '%%')}`,
            '-f', pdf,
          ],
          { timeoutMs: options.timeoutMs ?? RENDER_TIMEOUT_MS },
        );
        // Ghostscript exits 0 and writes nothing for a page past the end: the missing file is the failure.
        if (result.exitCode !== 0 || !(await exists(output))) {
          const why = result.timedOut ? `timed out after ${options.timeoutMs ?? RENDER_TIMEOUT_MS} ms` : `exit ${result.exitCode ?? result.signal}: ${(result.stderr || result.stdout).trim().slice(0, 500)}`;
          throw new Error(`rendering page ${page} of document ${documentId} failed (${why})`);
        }
      });
      const png = await readFile(output);
      await writeFile(stored, sealing ? sealBytes(sealing, png, aad) : png, { mode: 0o600 });
      await linkUnlessExists(stored, target);
      return target;
    } finally {
      await Promise.all([rm(output, { force: true }), rm(stored, { force: true })]);
    }
  }

  return {
    async read(documentId, page, size) {
      const document = await options.documents.get(documentId);
      if (!document) throw new NotFoundError(`document ${documentId} not found`);
      if (!Number.isInteger(page) || page < 1 || page > document.pages) {
        throw new NotFoundError(`page ${page} not found: the document has ${document.pages} page${document.pages === 1 ? '' : 's'}`, { pages: document.pages });
      }
      const directory = join(options.cacheDir, document.sha256.slice(0, 2));
      const target = join(directory, `${document.sha256}-${page}-${pageImageWidths[size]}w.png`);
      const aad = pageImageAad(document.sha256, page, pageImageWidths[size]);
      if (!(await exists(target))) {
        await once(target, async () => {
          await mkdir(directory, { recursive: true });
          return render(documentId, page, size, target, aad);
        });
      }
      if (!sealing) return readFile(target);
      return readOpened(sealing.ring, target, aad, `page ${page} (${size}) of document ${documentId}`);
    },
    ...(sealing
      ? {
          reencryptable: sealedFileSet({
            name: 'page-images',
            root: options.cacheDir,
            sealing,
            aadOf(name) {
              const match = /^([0-9a-f]{64})-([0-9]+)-([0-9]+)w\.png$/.exec(name);
              return match ? pageImageAad(match[1]!, Number(match[2]), Number(match[3])) : undefined;
            },
            ...(options.logger ? { logger: options.logger } : {}),
          }),
        }
      : {}),
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function linkUnlessExists(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
