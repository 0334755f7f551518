import type { FaxPage } from './tiffWriter.js';

export interface TiffPageInfo extends FaxPage {
  bitsPerSample: number;
  compression: number;
  /** Bytes of image data in the file for this page. */
  dataBytes: number;
}

/** Why a file is not something spandsp can send: not a TIFF at all, or not a bilevel fax image. */
export class TiffError extends Error {
  constructor(
    readonly kind: 'not-tiff' | 'not-fax',
    message: string,
  ) {
    super(message);
  }
}

const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8 };

/** Reads page geometry from every IFD of a TIFF (either byte order). */
export function readTiffPages(data: Buffer): TiffPageInfo[] {
  const order = data.toString('latin1', 0, 2);
  if (data.length < 8 || (order !== 'II' && order !== 'MM')) throw new TiffError('not-tiff', 'not a TIFF file');
  const le = order === 'II';
  const u16 = (at: number): number => (le ? data.readUInt16LE(at) : data.readUInt16BE(at));
  const u32 = (at: number): number => (le ? data.readUInt32LE(at) : data.readUInt32BE(at));
  if (u16(2) !== 42) throw new TiffError('not-tiff', 'bad TIFF magic');
  const pages: TiffPageInfo[] = [];
  const seen = new Set<number>();
  let ifd = u32(4);
  while (ifd !== 0) {
    if (seen.has(ifd) || ifd + 2 > data.length) throw new TiffError('not-tiff', 'corrupt IFD chain');
    seen.add(ifd);
    const count = u16(ifd);
    const tags = new Map<number, number[]>();
    for (let i = 0; i < count; i++) {
      const at = ifd + 2 + i * 12;
      const type = u16(at + 2);
      const n = u32(at + 4);
      const size = (TYPE_SIZES[type] ?? 1) * n;
      const base = size > 4 ? u32(at + 8) : at + 8;
      const values: number[] = [];
      for (let k = 0; k < Math.min(n, 64); k++) {
        if (type === 3) values.push(u16(base + k * 2));
        else if (type === 4) values.push(u32(base + k * 4));
        else if (type === 5) values.push(u32(base + k * 8) / Math.max(1, u32(base + k * 8 + 4)));
      }
      tags.set(u16(at), values);
    }
    const first = (tag: number, fallback: number): number => tags.get(tag)?.[0] ?? fallback;
    const unitFactor = first(296, 2) === 3 ? 2.54 : 1;
    pages.push({
      width: first(256, 0),
      length: first(257, 0),
      bitsPerSample: first(258, 1),
      compression: first(259, 1),
      xDpi: Math.round(first(282, 204) * unitFactor),
      yDpi: Math.round(first(283, 196) * unitFactor),
      dataBytes: (tags.get(279) ?? []).reduce((sum, n) => sum + n, 0),
    });
    ifd = u32(ifd + 2 + count * 12);
  }
  if (pages.length === 0) throw new TiffError('not-tiff', 'no pages');
  for (const page of pages) {
    if (page.bitsPerSample !== 1 || page.width === 0) throw new TiffError('not-fax', 'not a bilevel fax image');
  }
  return pages;
}
