import { copyFileSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createKeyRing, isSealed } from '../../../src/adapters/crypto/keyRing.js';
import { createFileDocumentStore } from '../../../src/adapters/documents/fileDocumentStore.js';
import { countPdfPages, inspectTiff } from '../../../src/adapters/documents/tiffTools.js';
import { UnreadableDocumentError } from '../../../src/ports/documentStore.js';
import { makeFaxTiff } from '../../support/faxFixtures.js';
import { makeTempDir } from '../../support/tempDir.js';

const keyRing = createKeyRing([{ id: 'k1', key: randomBytes(32) }]);
const stored_ = (root: string, sha256: string, extension: string) => join(root, 'documents', sha256.slice(0, 2), `${sha256}.${extension}`);

describe('file document store', () => {
  const dirs: Array<{ remove(): void }> = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));
  function setup() {
    const dir = makeTempDir('documents');
    dirs.push(dir);
    return { dir: dir.path, store: createFileDocumentStore(join(dir.path, 'documents'), { keyRing }) };
  }

  it('stores a fax TIFF by its SHA-256, counts its pages and renders a PDF with the same pages', async () => {
    const { dir, store } = setup();
    const spool = join(dir, 'rx.tif');
    await makeFaxTiff(spool, 3);
    const stored = await store.putTiff(spool);
    expect(stored.id).toMatch(/^sha256-[0-9a-f]{64}$/);
    expect(stored).toMatchObject({ pages: 3, contentType: 'image/tiff' });

    expect(await store.read(stored.id, 'image/tiff')).toEqual(await readFile(spool));
    expect((await store.withPlainFile(stored.id, 'image/tiff', inspectTiff)).width).toBe(1728);
    const [pdf, again] = await Promise.all([store.read(stored.id, 'application/pdf'), store.read(stored.id, 'application/pdf')]);
    expect(pdf).toEqual(again);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await store.withPlainFile(stored.id, 'application/pdf', countPdfPages)).toBe(3);
    expect(await store.get(stored.id)).toEqual(stored);
    // At rest both are sealed under the ring's key.
    expect(isSealed(await readFile(stored_(dir, stored.sha256, 'tif')))).toBe(true);
    expect(isSealed(await readFile(stored_(dir, stored.sha256, 'pdf')))).toBe(true);
  });

  it('says once per read when the bytes are being read, also when the PDF is rendered first, and never for a missing document', async () => {
    const { dir, store } = setup();
    const spool = join(dir, 'rx.tif');
    await makeFaxTiff(spool, 2);
    const stored = await store.putTiff(spool);
    for (const rendition of ['application/pdf', 'application/pdf', 'image/tiff'] as const) {
      let answered = false;
      let calls = 0;
      const reading = store.read(stored.id, rendition, {
        whileReading: () => {
          calls += 1;
          expect(answered).toBe(false);
        },
      });
      void reading.then(() => (answered = true));
      expect((await reading).length).toBeGreaterThan(0);
      // The first PDF read also reads the TIFF to render it: that inner read says nothing.
      expect(calls).toBe(1);
    }
    let missing = 0;
    await expect(store.read(`sha256-${'0'.repeat(64)}`, 'image/tiff', { whileReading: () => (missing += 1) })).rejects.toThrow(UnreadableDocumentError);
    expect(missing).toBe(0);
  });

  it('answers a stored document only once its files and their directory are synced to disk (also to a second caller with the same bytes), and syncs nothing for one it has', async () => {
    const dir = makeTempDir('documents');
    dirs.push(dir);
    const synced: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const store = createFileDocumentStore(join(dir.path, 'documents'), {
      syncToDisk: async (path) => {
        synced.push(path);
        await gate;
      },
    });
    const spool = join(dir.path, 'rx.tif');
    await makeFaxTiff(spool, 2);
    const answered: string[] = [];
    const putting = store.putTiff(spool).then((document) => (answered.push('first'), document));
    // The same bytes again while the first one's syncs run (two identical faxes at once).
    const again = store.putTiff(spool).then((document) => (answered.push('again'), document));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Held while the syncs are under way: whoever records the document waits for the disk.
    expect(answered).toEqual([]);
    release();
    const stored = await putting;
    expect((await again).id).toBe(stored.id);
    expect(answered.sort()).toEqual(['again', 'first']);
    const tiff = stored_(dir.path, stored.sha256, 'tif');
    expect(synced.sort()).toEqual([tiff.slice(0, tiff.lastIndexOf('/')), tiff, tiff.replace(/\.tif$/, '.json')].sort());
    synced.length = 0;
    await store.putTiff(spool);
    expect(synced).toEqual([]);
  });

  it('fails a put whose fsync fails, and syncs the same bytes again on the next put', async () => {
    const dir = makeTempDir('documents');
    dirs.push(dir);
    const synced: string[] = [];
    let failing = true;
    const store = createFileDocumentStore(join(dir.path, 'documents'), {
      syncToDisk: async (path) => {
        synced.push(path);
        if (failing) throw Object.assign(new Error(`EIO: i/o error, fsync '${path}'`), { code: 'EIO' });
      },
    });
    const spool = join(dir.path, 'rx.tif');
    await makeFaxTiff(spool, 1);
    await expect(store.putTiff(spool)).rejects.toThrow(/EIO/);
    failing = false;
    synced.length = 0;
    const stored = await store.putTiff(spool);
    expect(synced).toHaveLength(3);
    expect(await store.get(stored.id)).toEqual(stored);
  });

  it('never overwrites: the same bytes give the same id, other bytes a new one', async () => {
    const { dir, store } = setup();
    await makeFaxTiff(join(dir, 'a.tif'), 1);
    await makeFaxTiff(join(dir, 'b.tif'), 2);
    const first = await store.putTiff(join(dir, 'a.tif'));
    const repeat = await store.putTiff(join(dir, 'a.tif'));
    const other = await store.putTiff(join(dir, 'b.tif'));
    expect(repeat.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
    expect(await store.get('sha256-' + '0'.repeat(64))).toBeUndefined();
    expect(await store.get('../../etc/passwd')).toBeUndefined();
  });

  it('keeps a handed-over file as the next plain TIFF of its document, once, without reading the stored file', async () => {
    const { dir, store } = setup();
    const converted = join(dir, 'fax.tif');
    await makeFaxTiff(converted, 2);
    const bytes = await readFile(converted);
    const stored = await store.putTiff(converted, { handOver: true });
    expect(existsSync(converted)).toBe(false);
    // The stored file gone: only the handed-over copy can answer the first open.
    rmSync(stored_(dir, stored.sha256, 'tif'));
    const copy = await store.openPlainFile(stored.id, 'image/tiff');
    expect(dirname(copy.path)).toBe(join(dir, 'documents', 'plain'));
    expect(await readFile(copy.path)).toEqual(bytes);
    expect(statSync(copy.path).mode & 0o777).toBe(0o640);
    await copy.release();
    expect(existsSync(copy.path)).toBe(false);
    await expect(store.openPlainFile(stored.id, 'image/tiff')).rejects.toThrow(/tiff file missing/);
  });

  it('leaves a file in place without a hand-over, keeps one copy per document, and never hands one to withPlainFile', async () => {
    const { dir, store } = setup();
    await makeFaxTiff(join(dir, 'a.tif'), 1);
    copyFileSync(join(dir, 'a.tif'), join(dir, 'b.tif'));
    const stored = await store.putTiff(join(dir, 'a.tif'));
    expect(existsSync(join(dir, 'a.tif'))).toBe(true);
    await store.putTiff(join(dir, 'a.tif'), { handOver: true });
    // The same bytes handed over again (a second identical fax): the first copy is kept, this file stays for its caller.
    await store.putTiff(join(dir, 'b.tif'), { handOver: true });
    expect(existsSync(join(dir, 'a.tif'))).toBe(false);
    expect(existsSync(join(dir, 'b.tif'))).toBe(true);
    const kept = readdirSync(join(dir, 'documents', 'plain'));
    expect(kept).toHaveLength(1);
    await store.withPlainFile(stored.id, 'image/tiff', async (path) => expect(basename(path)).not.toBe(kept[0]));
    expect(readdirSync(join(dir, 'documents', 'plain'))).toEqual(kept);
  });

  it('deletes a handed-over copy nobody took in time, and one whose document is removed', async () => {
    const dir = makeTempDir('documents');
    dirs.push(dir);
    const store = createFileDocumentStore(join(dir.path, 'documents'), { keyRing, handedOverKeepMs: 50 });
    const plain = join(dir.path, 'documents', 'plain');
    await makeFaxTiff(join(dir.path, 'a.tif'), 1);
    await makeFaxTiff(join(dir.path, 'b.tif'), 2);
    const late = await store.putTiff(join(dir.path, 'a.tif'), { handOver: true });
    await vi.waitFor(() => expect(readdirSync(plain)).toHaveLength(0), { timeout: 2000 });
    // Too late for the kept copy: the call gets a copy written from the stored file.
    const written = await store.openPlainFile(late.id, 'image/tiff');
    expect(await readFile(written.path)).toEqual(await store.read(late.id, 'image/tiff'));
    await written.release();

    const slow = createFileDocumentStore(join(dir.path, 'documents'), { keyRing });
    const purged = await slow.putTiff(join(dir.path, 'b.tif'), { handOver: true });
    expect(readdirSync(plain)).toHaveLength(1);
    await slow.remove(purged.id);
    expect(readdirSync(plain)).toHaveLength(0);
    await expect(slow.openPlainFile(purged.id, 'image/tiff')).rejects.toBeInstanceOf(UnreadableDocumentError);
  });

  it('refuses missing, empty and non-TIFF files with a clear error', async () => {
    const { dir, store } = setup();
    await expect(store.putTiff(join(dir, 'missing.tif'))).rejects.toThrow(/missing\.tif: file not found/);
    writeFileSync(join(dir, 'empty.tif'), '');
    await expect(store.putTiff(join(dir, 'empty.tif'))).rejects.toThrow(/file is empty/);
    writeFileSync(join(dir, 'text.tif'), 'hello, not a tiff');
    await expect(store.putTiff(join(dir, 'text.tif'))).rejects.toBeInstanceOf(UnreadableDocumentError);
  });
});

describe('file document store under concurrency', () => {
  it('stores the same document from many concurrent calls without a clash', async () => {
    const dir = makeTempDir('documents-race');
    try {
      const store = createFileDocumentStore(join(dir.path, 'documents'), { keyRing });
      const copies = Array.from({ length: 20 }, (_, index) => join(dir.path, `copy-${index}.tif`));
      await makeFaxTiff(copies[0]!, 2);
      for (const copy of copies.slice(1)) writeFileSync(copy, await readFile(copies[0]!));
      const stored = await Promise.all(copies.map((copy) => store.putTiff(copy)));
      expect(new Set(stored.map((document) => document.id)).size).toBe(1);
      const pdfs = await Promise.all(stored.map((document) => store.read(document.id, 'application/pdf')));
      expect(new Set(pdfs.map((pdf) => pdf.toString('base64'))).size).toBe(1);
      expect(await store.withPlainFile(stored[0]!.id, 'application/pdf', countPdfPages)).toBe(2);
    } finally {
      dir.remove();
    }
  });
});
