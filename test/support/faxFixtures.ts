import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Writes a real multi-page fax TIFF (G4, 1728 px wide, 204×196 dpi, A4-ish) with ghostscript,
 * each page saying its number, as FreeSWITCH's rxfax would leave one.
 */
export async function makeFaxTiff(path: string, pages: number): Promise<void> {
  const program = Array.from(
    { length: pages },
    (_, index) => `/Helvetica findfont 48 scalefont setfont 72 600 moveto (Test page ${index + 1}) show showpage`,
  ).join(' ');
  await run('gs', ['-q', '-dBATCH', '-dNOPAUSE', '-sDEVICE=tiffg4', '-r204x196', '-g1728x2292', `-sOutputFile=${path}`, '-c', program]);
}
