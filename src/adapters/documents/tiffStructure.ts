import { open } from 'node:fs/promises';

const IMAGE_WIDTH = 256;
const MAX_PAGES = 10_000;

/**
 * Page count and first-page width of a TIFF, read from its header and IFD chain (a few small
 * reads; no child process). Throws on anything that is not a well-formed classic TIFF.
 */
export async function readTiffStructure(path: string): Promise<{ pages: number; width: number }> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const read = async (offset: number, length: number) => {
      if (offset + length > size) throw new Error(`truncated TIFF (needs bytes ${offset}–${offset + length}, file has ${size})`);
      const buffer = Buffer.alloc(length);
      await file.read(buffer, 0, length, offset);
      return buffer;
    };
    const header = await read(0, 8);
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
      const entries = u16(await read(offset, 2), 0);
      const directory = await read(offset + 2, entries * 12 + 4);
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
  } finally {
    await file.close();
  }
}
