import { randomUUID } from 'node:crypto';
import { access, link, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError } from '../../domain/errors.js';
import type { DocumentStore } from '../../ports/documentStore.js';
import { pageImageWidths, type PageImages, type PageImageSize } from '../../ports/pageImages.js';
import { FAX_WIDTH_PX, FAX_X_DPI } from './ghostscriptCommands.js';
import type { ProcessPool } from './processPool.js';
import { createSingleFlight } from './singleFlight.js';

// Every fax page is the T.4 scan line wide (1728 dots at 204 dpi, 8.47 in; superfine doubles both),
// and tiff2pdf keeps that physical width, so one resolution per size gives the target width.
const FAX_PAGE_WIDTH_INCHES = FAX_WIDTH_PX / FAX_X_DPI;
// Fax pages are bilevel: rendered at 3× and averaged down, thin strokes become grey instead of vanishing.
const OVERSAMPLE = 3;
const RENDER_TIMEOUT_MS = 60_000;

export interface PageImageCacheOptions {
  documents: DocumentStore;
  /** Where rendered pages are kept (derived data: deleting it costs a re-render, nothing else). */
  cacheDir: string;
  /** Ghostscript runs here: bounded concurrency, time budget, no shell, never on the event loop. */
  pool: ProcessPool;
  timeoutMs?: number;
}

/**
 * Page images rendered by ghostscript from the document's PDF rendition to grayscale PNG and kept
 * under `<cacheDir>/<2 hex>/<sha256>-<page>-<width>w.png`. Documents are content-addressed and never
 * change, so a kept image is always current: a second request is a file check. Concurrent first
 * requests for one image share one rendering; images are written under a temporary name and linked
 * into place, so a crash never leaves a half-written PNG under its final name.
 */
export function createPageImageCache(options: PageImageCacheOptions): PageImages {
  const once = createSingleFlight<string>();

  async function render(pdf: string, page: number, size: PageImageSize, target: string): Promise<string> {
    if (await exists(target)) return target;
    const temporary = `${target}.${randomUUID()}.tmp`;
    const dpi = ((pageImageWidths[size] * OVERSAMPLE) / FAX_PAGE_WIDTH_INCHES).toFixed(3);
    try {
      const result = await options.pool.run(
        'gs',
        [
          '-q', '-dNOPAUSE', '-dBATCH', '-dSAFER',
          '-sDEVICE=pnggray', `-r${dpi}`, `-dDownScaleFactor=${OVERSAMPLE}`,
          `-dFirstPage=${page}`, `-dLastPage=${page}`,
          // `%` starts a page-number template in OutputFile; the path is a literal name.
          `-sOutputFile=${temporary.replaceAll('%', '%%')}`,
          '-f', pdf,
        ],
        { timeoutMs: options.timeoutMs ?? RENDER_TIMEOUT_MS },
      );
      // Ghostscript exits 0 and writes nothing for a page past the end: the missing file is the failure.
      if (result.exitCode !== 0 || !(await exists(temporary))) {
        const why = result.timedOut ? `timed out after ${options.timeoutMs ?? RENDER_TIMEOUT_MS} ms` : `exit ${result.exitCode ?? result.signal}: ${(result.stderr || result.stdout).trim().slice(0, 500)}`;
        throw new Error(`rendering page ${page} of ${pdf} failed (${why})`);
      }
      await linkUnlessExists(temporary, target);
      return target;
    } finally {
      await rm(temporary, { force: true });
    }
  }

  return {
    async pathOf(documentId, page, size) {
      const document = await options.documents.get(documentId);
      if (!document) throw new NotFoundError(`document ${documentId} not found`);
      if (!Number.isInteger(page) || page < 1 || page > document.pages) {
        throw new NotFoundError(`page ${page} not found: the document has ${document.pages} page${document.pages === 1 ? '' : 's'}`, { pages: document.pages });
      }
      const directory = join(options.cacheDir, document.sha256.slice(0, 2));
      const target = join(directory, `${document.sha256}-${page}-${pageImageWidths[size]}w.png`);
      if (await exists(target)) return target;
      return once(target, async () => {
        await mkdir(directory, { recursive: true });
        return render(await options.documents.pathOf(documentId, 'application/pdf'), page, size, target);
      });
    },
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
