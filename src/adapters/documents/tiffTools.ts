import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const TOOL_TIMEOUT_MS = 60_000;

/** Page count and first-page width of a TIFF, read with libtiff's `tiffinfo`. */
export async function inspectTiff(path: string): Promise<{ pages: number; width: number }> {
  const { stdout } = await run('tiffinfo', [path], { timeout: TOOL_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
  const pages = (stdout.match(/^TIFF Directory at offset/gm) ?? []).length;
  const width = Number(/Image Width: (\d+)/.exec(stdout)?.[1] ?? 0);
  return { pages, width };
}

/** Renders a (multi-page) fax TIFF to PDF with libtiff's `tiff2pdf`, keeping each page's resolution. */
export async function tiffToPdf(tiffPath: string, pdfPath: string): Promise<void> {
  await run('tiff2pdf', ['-o', pdfPath, tiffPath], { timeout: TOOL_TIMEOUT_MS });
}

/** Page count of a PDF, asked of ghostscript. */
export async function countPdfPages(path: string): Promise<number> {
  const { stdout } = await run(
    'gs',
    ['-q', '-dNODISPLAY', '-dNOSAFER', '-dBATCH', '-dNOPAUSE', '-c', `(${path.replace(/[()\\]/g, '\\$&')}) (r) file runpdfbegin pdfpagecount = quit`],
    { timeout: TOOL_TIMEOUT_MS },
  );
  return Number(stdout.trim());
}
