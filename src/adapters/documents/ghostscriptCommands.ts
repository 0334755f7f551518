export type FaxResolution = 'fine' | 'standard';
export type FaxPageSize = 'a4' | 'letter';

/** The pixel grid of one fax page (ITU-T T.4): always 1728 dots across at 204 dpi. */
export interface FaxPageGeometry {
  widthPx: number;
  heightPx: number;
  xDpi: number;
  yDpi: number;
}

// spandsp refuses any other width; 1728 px at 204 dpi is the 215 mm scan line of T.4.
export const FAX_WIDTH_PX = 1728;
export const FAX_X_DPI = 204;
export const FAX_Y_DPI: Record<FaxResolution, number> = { fine: 196, standard: 98 };
const PAGE_HEIGHT_INCHES: Record<FaxPageSize, number> = { a4: 297 / 25.4, letter: 11 };

/** A4 fine 1728×2292, A4 standard 1728×1146, Letter fine 1728×2156, Letter standard 1728×1078. */
export function faxPageGeometry(resolution: FaxResolution, pageSize: FaxPageSize): FaxPageGeometry {
  const yDpi = FAX_Y_DPI[resolution];
  return { widthPx: FAX_WIDTH_PX, heightPx: Math.round(PAGE_HEIGHT_INCHES[pageSize] * yDpi), xDpi: FAX_X_DPI, yDpi };
}

/**
 * Ghostscript arguments that render PDF files into one multi-page G4 fax TIFF. The page is fixed
 * to the fax grid (`-g` with `-dFIXEDMEDIA`) and each PDF page is scaled, and turned if it is
 * landscape, to fit it (`-dPDFFitPage`). Giving the exact 1728 px width matters: letting
 * ghostscript derive the width from a paper size gives 1686 px, which spandsp rejects.
 *
 * `strict` makes any PDF error fatal; it is for PDFs we wrote ourselves around an image, where an
 * error means the image data is bad. Users' PDFs are rendered leniently, since ghostscript repairs
 * the minor damage many real-world PDFs carry.
 *
 * `countPages`: after rendering, the same ghostscript prints the PDF's page count from its page
 * tree (see `parseGhostscriptPageCount`). Rendering leniently, ghostscript skips a page it cannot
 * find (`Couldn't get page info`) and still exits 0; comparing this count with the pages rendered
 * catches a document that was not read whole. One process instead of a second one for the count:
 * every child process costs the server a fork of its whole address space, and ghostscript's own
 * start-up is most of the count's cost. A count that fails (`stopped`) prints no count and changes nothing else.
 */
export function ghostscriptFaxArgs(
  inputPath: string,
  outputPath: string,
  geometry: FaxPageGeometry,
  strict: boolean,
  countPages = false,
): string[] {
  const literal = inputPath.replace(/[\\()]/g, (character) => `\\${character}`);
  return [
    '-q',
    '-dNOPAUSE',
    '-dBATCH',
    '-dSAFER',
    ...(strict ? ['-dPDFSTOPONERROR'] : []),
    ...(countPages ? [`--permit-file-read=${inputPath}`] : []),
    '-sDEVICE=tiffg4',
    `-r${geometry.xDpi}x${geometry.yDpi}`,
    `-g${geometry.widthPx}x${geometry.heightPx}`,
    '-dFIXEDMEDIA',
    '-dPDFFitPage',
    // `%` starts a page-number template in OutputFile; the path is a literal name.
    `-sOutputFile=${outputPath.replaceAll('%', '%%')}`,
    '-f',
    inputPath,
    ...(countPages ? ['-c', `{ (${literal}) (r) file runpdfbegin pdfpagecount (${pageCountLabel}) print = runpdfend } stopped pop quit`] : []),
  ];
}

const pageCountLabel = 'faxengine-pdf-pages: ';

/** Ghostscript's words for a PDF it cannot open without the user password. */
export function ghostscriptSaysEncrypted(stderr: string): boolean {
  return /requires a password|password.*(?:incorrect|required)/i.test(stderr);
}

/** The count `ghostscriptFaxArgs(…, countPages)` printed, or undefined when ghostscript could not say. */
export function parseGhostscriptPageCount(stdout: string): number | undefined {
  const match = new RegExp(`^${pageCountLabel}(\\d+)\\s*$`, 'm').exec(stdout);
  return match ? Number(match[1]) : undefined;
}

/** Ghostscript's messages without the page-count line. */
export function withoutPageCount(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith(pageCountLabel))
    .join('\n');
}
