import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { boxPage, makePdf, makeRaster, makeTruncatedPdf } from './documentFixtures.js';

export interface SubmissionDocuments {
  /** Two A4 pages. */
  pdf: Uint8Array;
  /** One small picture. */
  png: Uint8Array;
  /** Seven pages: one more than the harness allows. */
  longPdf: Uint8Array;
  encryptedPdf: Uint8Array;
  corruptPdf: Uint8Array;
  /** Three pages listed, the last one's object cut off: ghostscript alone would render two. */
  truncatedPdf: Uint8Array;
  empty: Uint8Array;
}

/** The documents the submission tests send, made once with ghostscript in `dir`. */
export async function makeSubmissionDocuments(dir: string): Promise<SubmissionDocuments> {
  const path = (name: string) => join(dir, name);
  await Promise.all([
    makePdf(path('two.pdf'), [boxPage(0.25), boxPage(0.5)]),
    makePdf(path('long.pdf'), Array.from({ length: 7 }, (_, index) => boxPage((index + 1) / 10))),
    makePdf(path('secret.pdf'), [boxPage(0.5)], { userPassword: 'open sesame' }),
    makeTruncatedPdf(path('cut.pdf'), [boxPage(0.25), boxPage(0.5), boxPage(0.75)]),
    makeRaster(path('picture.png'), 'png16m', boxPage(0.5, 576, 806), { widthPx: 200, heightPx: 280, dpi: 25 }),
  ]);
  const corrupt = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nthis is not really a PDF\n%%EOF\n');
  await writeFile(path('corrupt.pdf'), corrupt);
  return {
    pdf: await readFile(path('two.pdf')),
    png: await readFile(path('picture.png')),
    longPdf: await readFile(path('long.pdf')),
    encryptedPdf: await readFile(path('secret.pdf')),
    corruptPdf: corrupt,
    truncatedPdf: await readFile(path('cut.pdf')),
    empty: new Uint8Array(0),
  };
}
