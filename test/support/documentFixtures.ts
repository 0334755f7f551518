import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { crc32, deflateSync } from 'node:zlib';

const run = promisify(execFile);

/** PostScript for a page that is white but for a black box covering `fraction` of its height from the top. */
export function boxPage(fraction: number, widthPt = 595, heightPt = 842): string {
  return fraction === 0 ? 'showpage' : `0 setgray 0 ${heightPt * (1 - fraction)} ${widthPt} ${heightPt * fraction} rectfill showpage`;
}

/** A PDF of the given pages (PostScript each), A4 unless told, optionally password-protected. */
export async function makePdf(
  path: string,
  pages: string[],
  options: { widthPt?: number; heightPt?: number; ownerPassword?: string; userPassword?: string } = {},
): Promise<void> {
  // A file, not `-c`: ghostscript limits the length of a command-line program.
  const program = `${path}.ps`;
  await writeFile(program, pages.join('\n'));
  const passwords = options.userPassword ? [`-sOwnerPassword=${options.ownerPassword ?? options.userPassword}`, `-sUserPassword=${options.userPassword}`] : [];
  await run('gs', [
    '-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-sDEVICE=pdfwrite', '-dFIXEDMEDIA',
    `-dDEVICEWIDTHPOINTS=${options.widthPt ?? 595}`, `-dDEVICEHEIGHTPOINTS=${options.heightPt ?? 842}`,
    ...passwords, `-sOutputFile=${path}`, program,
  ]);
  await rm(program);
}

/**
 * A PDF of the given pages cut short the way an interrupted download or upload leaves one: the
 * last page's object and the cross-reference table at the end are gone, while the page tree still
 * counts every page. Ghostscript renders the pages it finds, warns `Couldn't get page info` and
 * exits 0.
 */
export async function makeTruncatedPdf(path: string, pages: string[]): Promise<void> {
  await makePdf(path, pages);
  const bytes = await readFile(path);
  const text = bytes.toString('latin1');
  const pageObjects = [...text.matchAll(/\d+ 0 obj\s*<<\s*\/Type\s*\/Page\b(?!s)/g)];
  const last = pageObjects.at(-1);
  if (!last || pageObjects.length !== pages.length) throw new Error(`expected ${pages.length} page objects in ${path}, found ${pageObjects.length}`);
  const afterLast = text.indexOf('endobj', last.index) + 'endobj'.length;
  const xref = text.lastIndexOf('xref');
  await writeFile(path, Buffer.concat([bytes.subarray(0, last.index), bytes.subarray(afterLast, xref)]));
}

/** An image file rendered by ghostscript's raster devices (`png16m`, `pnggray`, `png256`, `jpeg`, `tiff24nc`, …). */
export async function makeRaster(path: string, device: string, page: string, size: { widthPx: number; heightPx: number; dpi: number }): Promise<void> {
  await run('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', `-sDEVICE=${device}`, `-r${size.dpi}`, `-g${size.widthPx}x${size.heightPx}`, `-sOutputFile=${path}`, '-c', page]);
}

/** How to write a test PNG: 8 bits per sample, of any colour type, with optional PLTE and tRNS. */
export interface PngSpec {
  width: number;
  height: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
  colorType: 0 | 2 | 3 | 4 | 6;
  palette?: number[];
  transparency?: number[] | Buffer;
  interlaced?: boolean;
  /** The samples of one pixel, as many as the colour type has. */
  pixel(x: number, y: number): number[];
}

/** A PNG written here, because ghostscript's PNG devices never leave colour under transparency. */
export async function makePng(path: string, spec: PngSpec): Promise<void> {
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[spec.colorType];
  const stride = 1 + spec.width * channels;
  const rows = Buffer.alloc(spec.height * stride);
  for (let y = 0; y < spec.height; y++) {
    for (let x = 0; x < spec.width; x++) rows.set(spec.pixel(x, y), y * stride + 1 + x * channels);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(spec.width, 0);
  header.writeUInt32BE(spec.height, 4);
  header.set([8, spec.colorType, 0, 0, spec.interlaced ? 1 : 0], 8);
  await writeFile(
    path,
    Buffer.concat([
      Buffer.from('89504e470d0a1a0a', 'hex'),
      chunk('IHDR', header),
      ...(spec.palette ? [chunk('PLTE', Buffer.from(spec.palette))] : []),
      ...(spec.transparency ? [chunk('tRNS', Buffer.from(spec.transparency))] : []),
      chunk('IDAT', deflateSync(rows)),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Rewrites a JPEG with an EXIF segment carrying `orientation`, as a phone camera writes it. */
export async function setExifOrientation(path: string, orientation: number): Promise<void> {
  const jpeg = await readFile(path);
  const tiff = Buffer.alloc(26);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(1, 8); // one entry
  tiff.writeUInt16BE(0x0112, 10);
  tiff.writeUInt16BE(3, 12); // SHORT
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt16BE(orientation, 18);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const segment = Buffer.alloc(4);
  segment.writeUInt16BE(0xffe1, 0);
  segment.writeUInt16BE(payload.length + 2, 2);
  await writeFile(path, Buffer.concat([jpeg.subarray(0, 2), segment, payload, jpeg.subarray(2)]));
}
