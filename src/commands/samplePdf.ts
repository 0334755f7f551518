import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** PostScript string literal: backslashes and parentheses escaped. */
const ps = (text: string) => `(${text.replace(/[\\()]/g, (char) => `\\${char}`)})`;

/** Writes a small Letter-size PDF of `pages` pages with ghostscript (which faxengine needs anyway). */
export async function writeSamplePdf(path: string, options: { pages: number; title: string; lines: string[] }): Promise<void> {
  const pages = Array.from({ length: options.pages }, (_, index) => {
    const body = options.lines.map((line, row) => `72 ${640 - row * 20} moveto ${ps(line)} show`).join('\n');
    return [
      '/Helvetica-Bold findfont 30 scalefont setfont',
      `72 700 moveto ${ps(options.title)} show`,
      '/Helvetica findfont 14 scalefont setfont',
      body,
      `72 72 moveto ${ps(`page ${index + 1} of ${options.pages}`)} show`,
      // A frame and a filled box: something for the fax coder to compress besides text.
      '4 setlinewidth 54 54 504 684 rectstroke',
      `0.3 setgray 72 ${300 - index * 40} ${200 + index * 60} 120 rectfill 0 setgray`,
      'showpage',
    ].join('\n');
  });
  const program = `${path}.ps`;
  await writeFile(program, pages.join('\n'));
  try {
    await run('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-sDEVICE=pdfwrite', '-sPAPERSIZE=letter', '-dFIXEDMEDIA', `-sOutputFile=${path}`, program], { timeout: 30_000 });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'ghostscript (gs) is not installed' : (error as Error).message;
    throw new Error(`could not make the sample PDF: ${reason}`);
  } finally {
    await rm(program, { force: true });
  }
}
