import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readTiffStructure } from '../../../src/adapters/documents/tiffStructure.js';
import { inspectTiff } from '../../../src/adapters/documents/tiffTools.js';
import { makeFaxTiff } from '../../support/faxFixtures.js';
import { makeTempDir } from '../../support/tempDir.js';

describe('reading a TIFF structure without libtiff', () => {
  const dirs: Array<{ remove(): void; path: string }> = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

  it('agrees with tiffinfo on page count and width', async () => {
    const dir = makeTempDir('tiff-structure');
    dirs.push(dir);
    for (const pages of [1, 4]) {
      const path = join(dir.path, `fax-${pages}.tif`);
      await makeFaxTiff(path, pages);
      expect(await readTiffStructure(path)).toEqual(await inspectTiff(path));
      expect(await readTiffStructure(path)).toEqual({ pages, width: 1728 });
    }
  });

  it('rejects files that are not TIFFs, truncated ones and looping directory chains', async () => {
    const dir = makeTempDir('tiff-bad');
    dirs.push(dir);
    writeFileSync(join(dir.path, 'text.tif'), 'definitely not a tiff');
    await expect(readTiffStructure(join(dir.path, 'text.tif'))).rejects.toThrow(/no II\/MM/);
    const good = join(dir.path, 'good.tif');
    await makeFaxTiff(good, 2);
    const bytes = await readFile(good);
    writeFileSync(join(dir.path, 'cut.tif'), bytes.subarray(0, 8));
    await expect(readTiffStructure(join(dir.path, 'cut.tif'))).rejects.toThrow(/truncated/);
    const loop = Buffer.from(bytes);
    const first = loop.readUInt32LE(4);
    const entries = loop.readUInt16LE(first);
    loop.writeUInt32LE(first, first + 2 + entries * 12);
    writeFileSync(join(dir.path, 'loop.tif'), loop);
    await expect(readTiffStructure(join(dir.path, 'loop.tif'))).rejects.toThrow(/loops/);
  });
});
