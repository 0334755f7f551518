import { readFile } from 'node:fs/promises';

const IMAGE_WIDTH = 256;
const MAX_PAGES = 10_000;

export interface TiffStructure {
  pages: number;
  /** Width of the first page in pixels. */
  width: number;
}

/** `tiffStructureOf` for a file; fax TIFFs are small (~50 KB a page), so it is read in one go. */
export async function readTiffStructure(path: string): Promise<TiffStructure> {
  return tiffStructureOf(await readFile(path));
}

/**
 * Page count and first-page width of a TIFF, from its header and IFD chain (no child process).
 * Throws on anything that is not a well-formed classic TIFF.
 */
export function tiffStructureOf(bytes: Buffer): TiffStructure {
  const read = (offset: number, length: number) => {
    if (offset + length > bytes.length) {
      throw new Error(`truncated TIFF (needs bytes ${offset}–${offset + length}, file has ${bytes.length})`);
    }
    return bytes.subarray(offset, offset + length);
  };
  const header = read(0, 8);
  const order = header.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') throw new Error('not a TIFF (no II/MM byte order mark)');
  const little = order === 'II';
  const u16 = (buffer: Buffer, at: number) => (little ? buffer.readUInt16LE(at) : buffer.readUInt16BE(at));
  const u32 = (buffer: Buffer, at: number) => (little ? buffer.readUInt32LE(at) : buffer.readUInt32BE(at));
  if (u16(header, 2) !== 42) throw new Error('not a classic TIFF (magic number is not 42)');

  let pages = 0;
  let width = 0;
  const seen = new Set<number>();
  for (let offset = u32(header, 4); offset !== 0; ) {
    if (seen.has(offset) || pages >= MAX_PAGES) throw new Error('TIFF directory chain loops');
    seen.add(offset);
    const entries = u16(read(offset, 2), 0);
    const directory = read(offset + 2, entries * 12 + 4);
    if (pages === 0) {
      for (let entry = 0; entry < entries; entry++) {
        const at = entry * 12;
        if (u16(directory, at) !== IMAGE_WIDTH) continue;
        width = u16(directory, at + 2) === 3 ? u16(directory, at + 8) : u32(directory, at + 8);
      }
    }
    pages += 1;
    offset = u32(directory, entries * 12);
  }
  return { pages, width };
}
