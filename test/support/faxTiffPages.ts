import { execFile } from 'node:child_process';
import { open, rm } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One page of a TIFF as `tiffinfo` describes it, with its decoded pixels to look at. */
export interface TiffPage {
  width: number;
  height: number;
  resolution: string;
  compression: string;
  /** Share of black pixels in the part of the page given as fractions of its width and height. */
  blackIn(region?: { left?: number; top?: number; right?: number; bottom?: number }): number;
}

/** Reads every page of a TIFF with libtiff's own tools: `tiffinfo` for the tags, `tiffcp -c none` for the pixels. */
export async function readTiffPages(path: string): Promise<TiffPage[]> {
  const { stdout } = await run('tiffinfo', [path], { maxBuffer: 64 * 1024 * 1024 });
  const directories = stdout.split(/^TIFF Directory at offset.*$/m).slice(1);
  const pixels = await decodedPages(path);
  return directories.map((text, index) => {
    const page = pixels[index]!;
    return {
      width: Number(/Image Width: (\d+)/.exec(text)?.[1]),
      height: Number(/Image Length: (\d+)/.exec(text)?.[1]),
      resolution: /Resolution: (.*)$/m.exec(text)?.[1] ?? '',
      compression: /Compression Scheme: (.*)$/m.exec(text)?.[1] ?? '',
      blackIn: ({ left = 0, top = 0, right = 1, bottom = 1 } = {}) => {
        const [x0, x1] = [Math.floor(left * page.width), Math.ceil(right * page.width)];
        const [y0, y1] = [Math.floor(top * page.height), Math.ceil(bottom * page.height)];
        let black = 0;
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (page.isBlack(x, y)) black++;
        return black / ((x1 - x0) * (y1 - y0));
      },
    };
  });
}

/** Bi-level pages as bit getters, read from an uncompressed copy of the TIFF. */
async function decodedPages(path: string): Promise<Array<{ width: number; height: number; isBlack(x: number, y: number): boolean }>> {
  const plain = `${path}.plain.tif`;
  await run('tiffcp', ['-c', 'none', path, plain]);
  const file = await open(plain, 'r');
  try {
    const bytes = await file.readFile();
    const little = bytes.toString('latin1', 0, 2) === 'II';
    const u16 = (at: number) => (little ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
    const u32 = (at: number) => (little ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
    // A tag's index-th value: SHORT or LONG, inline in the entry when it fits in 4 bytes.
    const value = (entry: number, index: number) => {
      const size = u16(entry + 2) === 3 ? 2 : 4;
      const at = u32(entry + 4) * size <= 4 ? entry + 8 + index * size : u32(entry + 8) + index * size;
      return size === 2 ? u16(at) : u32(at);
    };
    const pages = [];
    for (let ifd = u32(4); ifd !== 0; ifd = u32(ifd + 2 + u16(ifd) * 12)) {
      const tags = new Map<number, number>();
      for (let entry = 0; entry < u16(ifd); entry++) tags.set(u16(ifd + 2 + entry * 12), ifd + 2 + entry * 12);
      const tag = (id: number, index = 0) => value(tags.get(id)!, index);
      const width = tag(256);
      const height = tag(257);
      const strips = u32(tags.get(273)! + 4);
      const data = Buffer.concat(Array.from({ length: strips }, (_, index) => bytes.subarray(tag(273, index), tag(273, index) + tag(279, index))));
      const blackIsOne = !tags.has(262) || tag(262) === 0; // min-is-white
      const stride = Math.ceil(width / 8);
      pages.push({ width, height, isBlack: (x: number, y: number) => ((data[y * stride + (x >> 3)]! >> (7 - (x & 7))) & 1) === (blackIsOne ? 1 : 0) });
    }
    return pages;
  } finally {
    await file.close();
    await rm(plain, { force: true });
  }
}

/** The raw (still compressed) strip bytes of each page, as `tiffinfo -d -r` prints them. */
export async function rawPageData(path: string): Promise<string[]> {
  const { stdout } = await run('tiffinfo', ['-d', '-r', path], { maxBuffer: 64 * 1024 * 1024 });
  return stdout
    .split(/^=== TIFF directory \d+ ===$/m)
    .slice(1)
    .map((page) => page.slice(page.indexOf('Strip 0:')));
}
