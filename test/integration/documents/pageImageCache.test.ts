import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { createKeyRing, isSealed } from '../../../src/adapters/crypto/keyRing.js';
import { createFileDocumentStore } from '../../../src/adapters/documents/fileDocumentStore.js';
import { createPageImageCache } from '../../../src/adapters/documents/pageImageCache.js';
import { createProcessPool, type ProcessPool } from '../../../src/adapters/documents/processPool.js';
import { NotFoundError } from '../../../src/domain/errors.js';
import { makeFaxTiff } from '../../support/faxFixtures.js';
import { pngSize } from '../../support/pngHeader.js';
import { makeTempDir } from '../../support/tempDir.js';

const run = promisify(execFile);

/** A real process pool that records every program it runs, to see when ghostscript runs. */
function countingPool(): ProcessPool & { runs: string[][] } {
  const pool = createProcessPool({ concurrency: 2 });
  const runs: string[][] = [];
  return {
    runs,
    run(command, args, options) {
      runs.push([command, ...args]);
      return pool.run(command, args, options);
    },
  };
}

describe('page image cache', () => {
  const dirs: Array<{ path: string; remove(): void }> = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

  async function setup() {
    const dir = makeTempDir('page-images');
    dirs.push(dir);
    const documents = createFileDocumentStore(join(dir.path, 'documents'), { keyRing: createKeyRing([{ id: 'k1', key: randomBytes(32) }]) });
    await makeFaxTiff(join(dir.path, 'rx.tif'), 3);
    const document = await documents.putTiff(join(dir.path, 'rx.tif'));
    const pool = countingPool();
    const cacheDir = join(dir.path, 'documents', 'page-images');
    return { documents, document, pool, cacheDir, images: createPageImageCache({ documents, cacheDir, pool }) };
  }

  it('renders each page at the two widths, distinct pages, grayscale', async () => {
    const { document, images } = await setup();
    const thumbs = await Promise.all([1, 2, 3].map((page) => images.read(document.id, page, 'thumb')));
    for (const png of thumbs) {
      const size = pngSize(png);
      expect(size.width).toBeGreaterThanOrEqual(195);
      expect(size.width).toBeLessThanOrEqual(205);
      // A4 fine is 1728×2292 dots at 204×196 dpi: the page's physical shape survives (square pixels).
      expect(size.height / size.width).toBeCloseTo(2292 / 196 / (1728 / 204), 1);
      expect(size.colourType).toBe(0);
    }
    expect(thumbs[0]!.equals(thumbs[1]!)).toBe(false);
    expect(thumbs[1]!.equals(thumbs[2]!)).toBe(false);
    const large = pngSize(await images.read(document.id, 2, 'large'));
    expect(large.width).toBeGreaterThanOrEqual(1090);
    expect(large.width).toBeLessThanOrEqual(1110);
  });

  it('a standard-resolution page (half the rows) keeps the shape of the paper, not of its pixels', async () => {
    const { documents, images } = await setup();
    const path = join(dirs.at(-1)!.path, 'standard.tif');
    await run('gs', ['-q', '-dBATCH', '-dNOPAUSE', '-sDEVICE=tiffg4', '-r204x98', '-g1728x1146', `-sOutputFile=${path}`, '-c', 'showpage']);
    const standard = await documents.putTiff(path);
    const size = pngSize(await images.read(standard.id, 1, 'thumb'));
    expect(size.width).toBeGreaterThanOrEqual(195);
    expect(size.height / size.width).toBeCloseTo(1146 / 98 / (1728 / 204), 1);
  });

  it('renders once: concurrent first requests share one ghostscript, a later request is a file read', async () => {
    const { document, images, pool, cacheDir } = await setup();
    const pngs = await Promise.all(Array.from({ length: 6 }, () => images.read(document.id, 2, 'large')));
    expect(new Set(pngs.map((png) => png.toString('base64'))).size).toBe(1);
    const shard = join(cacheDir, document.sha256.slice(0, 2));
    const kept = join(shard, readdirSync(shard)[0]!);
    // Kept sealed, like the document.
    expect(isSealed(await readFile(kept))).toBe(true);
    const ghostscriptRuns = () => pool.runs.filter(([command]) => command === 'gs').length;
    expect(ghostscriptRuns()).toBe(1);
    const before = await stat(kept);
    expect(await images.read(document.id, 2, 'large')).toEqual(pngs[0]);
    expect(ghostscriptRuns()).toBe(1);
    expect((await stat(kept)).mtimeMs).toBe(before.mtimeMs);
    // Another size or page is another rendering.
    await images.read(document.id, 2, 'thumb');
    expect(ghostscriptRuns()).toBe(2);
  });

  it('a page out of range or a missing document is not found, naming the page count', async () => {
    const { document, images, pool } = await setup();
    await expect(images.read(document.id, 4, 'thumb')).rejects.toThrow(/^page 4 not found: the document has 3 pages$/);
    await expect(images.read(document.id, 0, 'thumb')).rejects.toBeInstanceOf(NotFoundError);
    await expect(images.read(`sha256-${'0'.repeat(64)}`, 1, 'thumb')).rejects.toThrow(/not found/);
    await expect(images.read('../../etc/passwd', 1, 'thumb')).rejects.toBeInstanceOf(NotFoundError);
    expect(pool.runs).toEqual([]);
  });
});
