import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DocumentConversionError } from './documentConversionError.js';
import { detectDocumentKind } from './documentKind.js';
import { readWholeFile } from './readWholeFile.js';
import { isFaxPage, parseTiffinfo } from './faxTiffCheck.js';
import { ghostscriptFaxArgs, ghostscriptSaysEncrypted, parseGhostscriptPageCount, withoutPageCount, type FaxPageGeometry } from './ghostscriptCommands.js';
import { UnusableImageError, writeImagePdf } from './imagePdf.js';
import { describeJpeg } from './jpegImage.js';
import { describePng, verifyPngData } from './pngImage.js';
import type { ProcessPool, ProcessResult } from './processPool.js';
import { tiffStructureOf } from './tiffStructure.js';

/** Everything one document's conversion needs from the conversion it is part of. */
export interface DocumentJob {
  pool: ProcessPool;
  geometry: FaxPageGeometry;
  /** The folder where this document may leave intermediate files (made on first call; removed by the caller). */
  workDir: () => Promise<string>;
  /** A distinct prefix for this document's intermediate files. */
  label: string;
  timeoutMs: number;
  signal: AbortSignal;
}

/** The fax pages of one document: a TIFF that is either the user's file as it was, or a new rendering. */
export interface FaxPages {
  path: string;
  kept: boolean;
  /** Counted here (the conversion of a single document needs not read the file again to know). */
  pages: number;
}

/** A PDF ready for ghostscript; `ours` when we wrote it around an image, so any error in it is the image's. */
type Renderable = { path: string; ours: boolean };

/**
 * Turns one user document into fax pages. PDFs go to ghostscript as they are; PNG and JPEG are
 * wrapped in a one-page PDF first; TIFFs that are already fax TIFFs are kept untouched, other
 * TIFFs become a PDF through libtiff's `tiff2pdf`. Ghostscript renders `destination` only when
 * something needs rendering.
 */
export async function documentToFaxTiff(
  input: { path: string; name: string },
  destination: string,
  job: DocumentJob,
): Promise<FaxPages> {
  const fail = (reason: DocumentConversionError['reason'], detail?: string) => new DocumentConversionError(input.name, reason, detail);
  const run = async (command: string, args: string[]): Promise<ProcessResult> => {
    const result = await job.pool.run(command, args, { timeoutMs: job.timeoutMs, signal: job.signal });
    if (result.timedOut) throw fail('timeout', `${command} ran longer than ${job.timeoutMs} ms`);
    return result;
  };

  const renderable = await toRenderable();
  if ('kept' in renderable) return renderable;
  // A user's PDF is also counted by the same ghostscript, to check that it was read whole.
  const countPages = !renderable.ours;
  const rendered = await run('gs', ghostscriptFaxArgs(renderable.path, destination, job.geometry, renderable.ours, countPages));
  if (ghostscriptSaysEncrypted(rendered.stderr)) throw fail('encrypted', rendered.stderr.trim());
  // Ghostscript exits 0 on a PDF it cannot make sense of; it then writes no page, hence no file.
  const written = await readWholeFile(destination).catch(() => undefined);
  if (rendered.exitCode !== 0 || !written?.length) throw fail('corrupt', rendered.stderr.trim() || withoutPageCount(rendered.stdout).trim());
  const { pages } = tiffStructureOf(written);
  if (countPages) checkReadWhole(parseGhostscriptPageCount(rendered.stdout), pages);
  return { path: destination, kept: false, pages };

  /** A user's PDF must come out with every page its page tree lists: a fax missing pages is worse than none. */
  function checkReadWhole(expected: number | undefined, pages: number): void {
    if (expected === undefined) return; // no count to hold the rendering to; the rendering itself went well
    if (pages < expected) throw fail('corrupt', `ghostscript read ${pages} of its ${expected} pages: ${rendered.stderr.trim() || withoutPageCount(rendered.stdout).trim()}`);
  }

  async function toRenderable(): Promise<Renderable | FaxPages> {
    const kind = await detectDocumentKind(input.path);
    switch (kind) {
      case 'empty':
        throw fail('empty');
      case 'unknown':
        throw fail('unsupported');
      case 'pdf':
        return { path: input.path, ours: false };
      case 'png':
      case 'jpeg':
        return wrapImage(kind, await readFile(input.path));
      case 'tiff':
        return keepOrWrapTiff();
    }
  }

  async function wrapImage(kind: 'png' | 'jpeg', bytes: Buffer): Promise<Renderable> {
    let image;
    try {
      if (kind === 'png') {
        image = describePng(bytes);
        await verifyPngData(image);
      } else {
        image = describeJpeg(bytes);
      }
    } catch (error) {
      if (error instanceof UnusableImageError) throw fail(error.reason, error.message);
      throw error;
    }
    const path = join(await job.workDir(), `${job.label}.pdf`);
    await writeImagePdf(path, image);
    return { path, ours: true };
  }

  async function keepOrWrapTiff(): Promise<Renderable | FaxPages> {
    const info = await run('tiffinfo', [input.path]);
    const pages = parseTiffinfo(info.stdout);
    if (info.exitCode !== 0 || pages.length === 0) throw fail('corrupt', info.stderr.trim());
    if (pages.every(isFaxPage)) return { path: input.path, kept: true, pages: pages.length };
    const path = join(await job.workDir(), `${job.label}.pdf`);
    const converted = await run('tiff2pdf', ['-o', path, input.path]);
    if (converted.exitCode !== 0) throw fail('unsupported', converted.stderr.trim());
    return { path, ours: true };
  }
}
