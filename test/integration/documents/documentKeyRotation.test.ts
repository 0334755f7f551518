import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createKeyRing, isSealed, sealedKeyId, type NamedKey } from '../../../src/adapters/crypto/keyRing.js';
import { createReloadableKeyRing } from '../../../src/adapters/crypto/reloadableKeyRing.js';
import { createFileDocumentStore } from '../../../src/adapters/documents/fileDocumentStore.js';
import { createPageImageCache } from '../../../src/adapters/documents/pageImageCache.js';
import { createProcessPool } from '../../../src/adapters/documents/processPool.js';
import { ConflictError } from '../../../src/domain/errors.js';
import { startAtRestEncryption } from '../../../src/mainEncryption.js';
import { DocumentIntegrityError } from '../../../src/ports/documentStore.js';
import { noMetrics } from '../../../src/ports/metrics.js';
import type { ReactorRunner } from '../../../src/reactors/leasedReactor.js';
import { makeFaxTiff } from '../../support/faxFixtures.js';
import { makeTempDir } from '../../support/tempDir.js';

const logger = pino({ level: 'silent' });
const k1: NamedKey = { id: 'k1', key: randomBytes(32) };
const k2: NamedKey = { id: 'k2', key: randomBytes(32) };

/** Runs the reactor here at once, as an instance holding its lease does. */
const runHere: ReactorRunner = (_name, start) => {
  const started = start();
  return { active: true, stop: async () => (await started).stop() };
};

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('documents sealed at rest, key rotation', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(keys: { list: NamedKey[]; current: string }) {
    const dir = makeTempDir('key-rotation');
    cleanups.push(() => dir.remove());
    const ring = createReloadableKeyRing(() => createKeyRing(keys.list, keys.current));
    const root = join(dir.path, 'documents');
    const pageImagesDir = join(root, 'page-images');
    const documents = createFileDocumentStore(root, { keyRing: ring, pageImagesDir });
    const pageImages = createPageImageCache({ documents, cacheDir: pageImagesDir, pool: createProcessPool({ concurrency: 2 }) });
    const put = async (name: string, pages: number) => {
      const path = join(dir.path, name);
      await makeFaxTiff(path, pages);
      return { document: await documents.putTiff(path), plain: readFileSync(path) };
    };
    const stores = [documents.reencryptable, pageImages.reencryptable!];
    return { dir: dir.path, root, ring, documents, pageImages, put, stores };
  }

  it('documents written under key 1 stay readable after a rotation to key 2, are re-encrypted, and key 1 can then be removed', async () => {
    const keys = { list: [k1], current: 'k1' };
    const { ring, documents, pageImages, put, stores } = await setup(keys);
    const written = [await put('a.tif', 1), await put('b.tif', 2), await put('c.tif', 3)];
    const pdfBefore = await documents.read(written[2]!.document.id, 'application/pdf');
    const thumbBefore = await pageImages.read(written[1]!.document.id, 2, 'thumb');
    // Three TIFFs and two PDFs (the page image was rendered from one).
    expect(await documents.reencryptable.countByKey()).toEqual({ k1: 5 });
    expect(await pageImages.reencryptable!.countByKey()).toEqual({ k1: 1 });

    const encryption = startAtRestEncryption({ keyRing: ring, stores: () => stores, sealsDocuments: true, ratePerSecond: 2, run: runHere, logger, metrics: noMetrics });
    cleanups.push(() => encryption.close());

    // Rotation: key 2 added and made current; the running process reloads its ring.
    keys.list = [k2, k1];
    keys.current = 'k2';
    const rotated = await encryption.reload();
    expect(rotated.currentKey).toBe('k2');
    // New writes use the new key at once; old data stays readable meanwhile.
    const fresh = await put('d.tif', 4);
    expect(sealedKeyId(readFileSync(join(documents.plainFiles.dir, '..', fresh.document.sha256.slice(0, 2), `${fresh.document.sha256}.tif`)))).toBe('k2');
    for (const { document, plain } of written) expect(await documents.read(document.id, 'image/tiff')).toEqual(plain);

    // Dropping key 1 now is refused, naming the key and the store; the ring stays as it was.
    keys.list = [k2];
    await expect(encryption.reload()).rejects.toThrow(ConflictError);
    await expect(encryption.reload()).rejects.toThrow(/key k1 still seals \d+ items? of documents/);
    expect(ring.keyIds).toEqual(['k2', 'k1']);
    keys.list = [k2, k1];

    // The background job (2 items a second: it takes a few batches) re-seals everything under key 2.
    const done = await until(() => encryption.status(), (status) => status.reencrypted, 're-encryption');
    expect(done.stores).toEqual([
      { name: 'documents', byKey: { k2: 6 }, underOldKeys: 0 },
      { name: 'page-images', byKey: { k2: 1 }, underOldKeys: 0 },
    ]);
    expect(done.keys).toEqual([
      { id: 'k2', current: true, items: 7, removable: false },
      { id: 'k1', current: false, items: 0, removable: true },
    ]);

    // Key 1 removed: the reload is accepted and everything still reads the same.
    keys.list = [k2];
    expect((await encryption.reload()).keys.map((key) => key.id)).toEqual(['k2']);
    for (const { document, plain } of [...written, fresh]) expect(await documents.read(document.id, 'image/tiff')).toEqual(plain);
    expect(await documents.read(written[2]!.document.id, 'application/pdf')).toEqual(pdfBefore);
    expect(await pageImages.read(written[1]!.document.id, 2, 'thumb')).toEqual(thumbBefore);
  });

  it('plain documents from before encryption stay readable and are sealed by the re-encryption', async () => {
    const dir = makeTempDir('plain-documents');
    cleanups.push(() => dir.remove());
    const root = join(dir.path, 'documents');
    await makeFaxTiff(join(dir.path, 'old.tif'), 2);
    const old = await createFileDocumentStore(root).putTiff(join(dir.path, 'old.tif'));
    const file = join(root, old.sha256.slice(0, 2), `${old.sha256}.tif`);
    expect(isSealed(readFileSync(file))).toBe(false);

    const documents = createFileDocumentStore(root, { keyRing: createKeyRing([k1]) });
    expect(await documents.read(old.id, 'image/tiff')).toEqual(readFileSync(join(dir.path, 'old.tif')));
    expect(await documents.reencryptable.countByKey()).toEqual({ plain: 1 });
    expect(await documents.reencryptable.reencryptBatch(10)).toBe(1);
    expect(await documents.reencryptable.reencryptBatch(10)).toBe(0);
    expect(sealedKeyId(readFileSync(file))).toBe('k1');
    expect(await documents.read(old.id, 'image/tiff')).toEqual(readFileSync(join(dir.path, 'old.tif')));

    // With encryption.documents off, new documents are written plain and plain ones are left so.
    const unsealed = createFileDocumentStore(root, { keyRing: createKeyRing([k1]), encrypt: () => false });
    await makeFaxTiff(join(dir.path, 'new.tif'), 1);
    const added = await unsealed.putTiff(join(dir.path, 'new.tif'));
    expect(isSealed(readFileSync(join(root, added.sha256.slice(0, 2), `${added.sha256}.tif`)))).toBe(false);
    expect(await unsealed.reencryptable.reencryptBatch(10)).toBe(0);
  });

  it('a changed sealed document, or one swapped for another file, is refused with a clear error instead of garbage', async () => {
    const { root, documents, put } = await setup({ list: [k1], current: 'k1' });
    const { document } = await put('a.tif', 2);
    await documents.read(document.id, 'application/pdf');
    const tif = join(root, document.sha256.slice(0, 2), `${document.sha256}.tif`);
    const pdf = tif.replace(/\.tif$/, '.pdf');
    const sealed = readFileSync(tif);

    const changed = Buffer.from(sealed);
    changed[changed.length - 10]! ^= 0x01;
    writeFileSync(tif, changed);
    await expect(documents.read(document.id, 'image/tiff')).rejects.toThrow(DocumentIntegrityError);
    await expect(documents.read(document.id, 'image/tiff')).rejects.toThrow(new RegExp(`document ${document.id} \\(image/tiff\\) cannot be opened: sealed data under key k1 does not authenticate`));
    // No plain copy for a tool either.
    await expect(documents.withPlainFile(document.id, 'image/tiff', async () => 'used')).rejects.toThrow(DocumentIntegrityError);

    // The PDF put in the TIFF's place: sealed under the same key, but bound to another name.
    renameSync(pdf, tif);
    await expect(documents.read(document.id, 'image/tiff')).rejects.toThrow(/does not authenticate/);

    // A key missing from the ring says which.
    writeFileSync(tif, sealed);
    const withoutKey = createFileDocumentStore(root, { keyRing: createKeyRing([k2]) });
    await expect(withoutKey.read(document.id, 'image/tiff')).rejects.toThrow(/sealed under key k1, which is not in the key ring \(keys: k2\)/);
  });

  it('plain copies for tools are private, deleted after use, and those a crash left are removed at start', async () => {
    const { root, documents, put } = await setup({ list: [k1], current: 'k1' });
    const { document, plain } = await put('a.tif', 1);
    let seen = '';
    await documents.withPlainFile(document.id, 'image/tiff', async (path) => {
      seen = path;
      expect(readFileSync(path)).toEqual(plain);
    });
    expect(existsSync(seen)).toBe(false);
    const open = await documents.openPlainFile(document.id, 'image/tiff');
    expect(readFileSync(open.path)).toEqual(plain);
    await open.release();
    expect(existsSync(open.path)).toBe(false);
    expect(readdirSync(documents.plainFiles.dir)).toEqual([]);

    // A crash leaves this process's copies and another instance's; the next start removes its own
    // once no call that outlived the crash can still be about to open them (older than an originate
    // rings), and anyone's old enough that no call can still read them; never another's fresh one.
    const dir = join(root, 'plain');
    mkdirSync(dir, { recursive: true });
    for (const name of ['local-left.tif', 'local-fresh.tif', 'other-fresh.tif', 'other-old.tif']) writeFileSync(join(dir, name), plain);
    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60 * 1000);
    utimesSync(join(dir, 'local-left.tif'), minutesAgo(11), minutesAgo(11));
    utimesSync(join(dir, 'other-old.tif'), minutesAgo(7 * 60), minutesAgo(7 * 60));
    createFileDocumentStore(root, { keyRing: createKeyRing([k1]), instanceTag: 'local' });
    expect(readdirSync(dir).sort()).toEqual(['local-fresh.tif', 'other-fresh.tif']);
  });

  it('remove() deletes the document, its PDF and its page images', async () => {
    const { root, documents, pageImages, put } = await setup({ list: [k1], current: 'k1' });
    const { document } = await put('a.tif', 2);
    const kept = await put('b.tif', 1);
    await documents.read(document.id, 'application/pdf');
    await pageImages.read(document.id, 1, 'thumb');
    await pageImages.read(kept.document.id, 1, 'thumb');
    await documents.remove(document.id);
    expect(await documents.get(document.id)).toBeUndefined();
    expect(readdirSync(join(root, document.sha256.slice(0, 2))).filter((name) => name.startsWith(document.sha256))).toEqual([]);
    expect(readdirSync(join(root, 'page-images', document.sha256.slice(0, 2))).filter((name) => name.startsWith(document.sha256))).toEqual([]);
    expect(await documents.read(kept.document.id, 'image/tiff')).toEqual(kept.plain);
    await expect(pageImages.read(kept.document.id, 1, 'thumb')).resolves.toBeInstanceOf(Buffer);
  });
});
