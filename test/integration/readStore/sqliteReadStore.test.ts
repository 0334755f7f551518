import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteReadStore } from '../../../src/adapters/readStore/sqliteReadStore.js';
import type { ReadStore, StoredDocument } from '../../../src/ports/readStore.js';

const doc = (collection: string, index: number) => ({ collection, key: `k${index}`, doc: { index, name: `document ${index}`, tags: ['a', String(index)] } });
const docsOf = (store: ReadStore, projection: string) =>
  new Map(store.load(projection).documents.map(({ collection, key, doc }: StoredDocument) => [`${collection}/${key}`, doc]));

describe('SQLite read store (chunked collections)', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'faxengine-readstore-'));
    path = join(dir, 'readmodels.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips thousands of documents over many chunks, with updates and deletes in old chunks', () => {
    let store = createSqliteReadStore({ path });
    const writes = Array.from({ length: 3000 }, (_, index) => doc(index % 2 ? 'odd' : 'even', index));
    store.commit([{ projection: 'p', writes, checkpoint: 10 }]);
    store.close();

    store = createSqliteReadStore({ path });
    store.load('p');
    // Delete early keys (positions shift inside their chunk), then update keys after them.
    store.commit([{ projection: 'p', writes: [{ collection: 'even', key: 'k0', doc: null }, { collection: 'even', key: 'k2', doc: null }], checkpoint: 11 }]);
    store.commit([{ projection: 'p', writes: [{ collection: 'even', key: 'k4', doc: 'four' }, { collection: 'odd', key: 'k2999', doc: { last: true } }, doc('odd', 5000)], checkpoint: 12 }]);
    store.close();

    store = createSqliteReadStore({ path });
    const loaded = docsOf(store, 'p');
    expect(store.load('p').checkpoint).toBe(12);
    expect(loaded.size).toBe(2999);
    expect(loaded.has('even/k0')).toBe(false);
    expect(loaded.get('even/k4')).toBe('four');
    expect(loaded.get('even/k6')).toEqual(doc('even', 6).doc);
    expect(loaded.get('odd/k2999')).toEqual({ last: true });
    expect(loaded.get('odd/k5000')).toEqual(doc('odd', 5000).doc);
    store.close();
    const chunks = new Database(path).prepare("SELECT count(*) FROM chunks WHERE projection = 'p'").pluck().get() as number;
    expect(chunks).toBeGreaterThan(4);
  });

  it('dumps the same content whether the documents came in one commit or many', () => {
    const writes = [...Array.from({ length: 1200 }, (_, index) => doc('c', index)), { collection: 'c', key: 'k7', doc: null }, { collection: 'd', key: 'x', doc: [1, 2] }];
    const bulk = createSqliteReadStore({ path });
    bulk.load('p');
    const last = new Map(writes.map((write) => [`${write.collection}/${write.key}`, write]));
    bulk.commit([{ projection: 'p', writes: [...last.values()], checkpoint: 5 }]);
    const live = createSqliteReadStore({ path: join(dir, 'live.sqlite') });
    live.load('p');
    for (const write of writes) live.commit([{ projection: 'p', writes: [write], checkpoint: 5 }]);
    expect(live.dump()).toEqual(bulk.dump());
    expect(bulk.dump().documents[0]).toEqual({ projection: 'p', collection: 'c', key: 'k0', doc: JSON.stringify(doc('c', 0).doc) });
    bulk.close();
    live.close();
  });

  it('replaces a projection whole: its old documents go, other projections stay, and later commits build on it', () => {
    let store = createSqliteReadStore({ path });
    store.load('p');
    store.commit([{ projection: 'p', writes: [doc('old', 1), doc('c', 1)], checkpoint: 3 }, { projection: 'q', writes: [doc('c', 9)], checkpoint: 3 }]);
    const documents = new Map(Array.from({ length: 2500 }, (_, index) => [`k${index}`, doc('c', index).doc]));
    store.replace('p', new Map([['c', documents], ['empty', new Map()]]), 40);
    // The next commit changes documents in the first and last chunks of what was replaced.
    store.commit([{ projection: 'p', writes: [{ collection: 'c', key: 'k0', doc: null }, { collection: 'c', key: 'k2499', doc: 'last' }, doc('c', 9000)], checkpoint: 41 }]);
    store.close();

    store = createSqliteReadStore({ path });
    const loaded = docsOf(store, 'p');
    expect(store.load('p').checkpoint).toBe(41);
    expect(loaded.size).toBe(2500);
    expect(loaded.has('old/k1')).toBe(false);
    expect(loaded.has('c/k0')).toBe(false);
    expect(loaded.get('c/k1')).toEqual(doc('c', 1).doc);
    expect(loaded.get('c/k2499')).toBe('last');
    expect(loaded.get('c/k9000')).toEqual(doc('c', 9000).doc);
    // Stored in the order given, as a collection written document by document would be.
    expect(store.load('p').documents.slice(0, 2).map((stored) => stored.key)).toEqual(['k1', 'k2']);
    expect([...docsOf(store, 'q').keys()]).toEqual(['c/k9']);
    expect(store.load('q').checkpoint).toBe(3);
    store.close();
    const chunks = new Database(path).prepare("SELECT count(*) FROM chunks WHERE projection = 'p'").pluck().get() as number;
    expect(chunks).toBeGreaterThan(2);
  });

  it('commits documents and checkpoint together: a failing commit leaves both as they were', () => {
    let store = createSqliteReadStore({ path });
    store.load('p');
    store.commit([{ projection: 'p', writes: [doc('c', 1)], checkpoint: 1 }]);
    // BigInt cannot be encoded: the transaction fails after projection q's chunk and checkpoint were written.
    const failing = [doc('c', 2), { collection: 'c', key: 'k1', doc: null }, { collection: 'c', key: 'bad', doc: { n: 1n } }];
    expect(() => store.commit([{ projection: 'q', writes: [doc('c', 3)], checkpoint: 2 }, { projection: 'p', writes: failing, checkpoint: 2 }])).toThrow();
    expect(store.load('p').checkpoint).toBe(1);
    expect([...docsOf(store, 'p').keys()]).toEqual(['c/k1']);
    expect(store.load('q')).toEqual({ checkpoint: 0, documents: [] });
    // The store keeps working after the rollback.
    store.commit([{ projection: 'p', writes: [doc('c', 4)], checkpoint: 3 }]);
    store.close();
    store = createSqliteReadStore({ path });
    expect([...docsOf(store, 'p').keys()]).toEqual(['c/k1', 'c/k4']);
    expect(store.load('p').checkpoint).toBe(3);
    store.close();
  });

  it('empties a file of the older one-row-per-document layout, so the runner rebuilds it', () => {
    const old = new Database(path);
    old.exec("CREATE TABLE documents (projection TEXT, collection TEXT, key TEXT, doc TEXT); CREATE TABLE checkpoints (projection TEXT PRIMARY KEY, position INTEGER); INSERT INTO checkpoints VALUES ('p', 9)");
    old.close();
    const store = createSqliteReadStore({ path });
    expect(store.load('p')).toEqual({ checkpoint: 0, documents: [] });
    store.close();
  });
});
