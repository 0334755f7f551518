import { readFile } from 'node:fs/promises';
import type { PageSize, Resolution } from '../../domain/outbound/outboundFaxEvents.js';
import { relayPageFormat, type FaxPageExtent } from '../../domain/outbound/relayPageFormat.js';

const IMAGE_LENGTH = 257;
const Y_RESOLUTION = 283;
const RESOLUTION_UNIT = 296;
const MAX_PAGES = 10_000;
const CM_PER_INCH = 2.54;

/** The resolution and page size a stored fax TIFF's pages have (see `relayPageFormat`). */
export async function readTiffPageFormat(path: string): Promise<{ resolution: Resolution; pageSize: PageSize }> {
  return relayPageFormat(tiffPageExtents(await readFile(path)));
}

/**
 * Each page's length in rows and vertical resolution (dpi), from the TIFF's IFD chain: what spandsp
 * wrote for a received fax. A page without a usable resolution reports none.
 */
export function tiffPageExtents(bytes: Buffer): FaxPageExtent[] {
  const need = (offset: number, length: number) => {
    if (offset + length > bytes.length) throw new Error(`truncated TIFF (needs bytes ${offset}–${offset + length}, file has ${bytes.length})`);
  };
  need(0, 8);
  const order = bytes.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') throw new Error('not a TIFF (no II/MM byte order mark)');
  const little = order === 'II';
  const u16 = (at: number) => (need(at, 2), little ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
  const u32 = (at: number) => (need(at, 4), little ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  if (u16(2) !== 42) throw new Error('not a classic TIFF (magic number is not 42)');

  const pages: FaxPageExtent[] = [];
  const seen = new Set<number>();
  for (let offset = u32(4); offset !== 0; ) {
    if (seen.has(offset) || pages.length >= MAX_PAGES) throw new Error('TIFF directory chain loops');
    seen.add(offset);
    const entries = u16(offset);
    let lengthPx = 0;
    let yResolution: number | undefined;
    let unit = 2; // TIFF's default: inches
    for (let entry = 0; entry < entries; entry++) {
      const at = offset + 2 + entry * 12;
      const tag = u16(at);
      // SHORT values sit in the entry itself; LONG too; a RATIONAL is 8 bytes elsewhere.
      const value = () => (u16(at + 2) === 3 ? u16(at + 8) : u32(at + 8));
      if (tag === IMAGE_LENGTH) lengthPx = value();
      else if (tag === RESOLUTION_UNIT) unit = value();
      else if (tag === Y_RESOLUTION && u16(at + 2) === 5) {
        const pointer = u32(at + 8);
        const denominator = u32(pointer + 4);
        if (denominator > 0) yResolution = u32(pointer) / denominator;
      }
    }
    const yDpi = yResolution === undefined || unit === 1 ? undefined : unit === 3 ? yResolution * CM_PER_INCH : yResolution;
    pages.push({ lengthPx, ...(yDpi === undefined ? {} : { yDpi }) });
    offset = u32(offset + 2 + entries * 12);
  }
  return pages;
}
