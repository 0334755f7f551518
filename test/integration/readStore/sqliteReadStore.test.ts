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

describe('SQLite read store (one row per document, typed tables for history collections)', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'faxengine-readstore-'));
    path = join(dir, 'readmodels.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips thousands of documents, with updates and deletes, across a reopen', () => {
    let store = createSqliteReadStore({ path });
    const writes = Array.from({ length: 3000 }, (_, index) => doc(index % 2 ? 'odd' : 'even', index));
    store.commit([{ projection: 'p', writes, checkpoint: 10 }]);
    store.close();

    store = createSqliteReadStore({ path });
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
    expect(store.get('p', 'odd', 'k5000')).toEqual(doc('odd', 5000).doc);
    expect(store.get('p', 'even', 'k0')).toBeUndefined();
    store.close();
  });

  it('loads everything but the history collections, which it reads one document at a time', () => {
    const store = createSqliteReadStore({ path });
    store.commit([{ projection: 'p', writes: [doc('small', 1), doc('history', 2), doc('history', 3), doc('aaa', 5), doc('zzz', 6), doc('hist', 7)], checkpoint: 4 }]);
    store.commit([{ projection: 'q', writes: [doc('history', 8)], checkpoint: 9 }]);
    // Collections that sort before, between and after the skipped ones all load; another projection's do not.
    expect(store.load('p', ['history', 'hist'])).toEqual({ checkpoint: 4, documents: [doc('aaa', 5), doc('small', 1), doc('zzz', 6)] });
    expect(store.get('p', 'history', 'k3')).toEqual(doc('history', 3).doc);
    store.close();
  });

  it('keeps faxes and notifications in tables of their own, and dumps them with the other documents', () => {
    const store = createSqliteReadStore({ path });
    store.caughtUp();
    const fax = { faxId: 'f1', direction: 'inbound', tenantId: 't1', status: 'received', ended: true, callUuid: 'c1', from: '5551230001', to: '+15551230002', createdAt: '2026-01-01T00:00:00.000Z' };
    const notification = { notificationId: 'n1', faxId: 'f1', tenantId: 't1', status: 'sent', updatedAt: '2026-01-01T00:01:00.000Z' };
    store.commit([
      { projection: 'faxes', writes: [{ collection: 'faxes', key: 'f1', doc: fax }], checkpoint: 2 },
      { projection: 'notifications', writes: [{ collection: 'notifications', key: 'n1', doc: notification }], checkpoint: 2 },
    ]);
    expect(store.load('faxes')).toEqual({ checkpoint: 2, documents: [] });
    expect(store.get('faxes', 'faxes', 'f1')).toEqual(fax);
    expect(store.faxes.find('f1')).toEqual(fax);
    expect(store.notifications.list({ faxId: 'f1' }, 10)).toEqual([notification]);
    expect(store.dump().documents).toEqual([
      { projection: 'faxes', collection: 'faxes', key: 'f1', doc: JSON.stringify(fax) },
      { projection: 'notifications', collection: 'notifications', key: 'n1', doc: JSON.stringify(notification) },
    ]);
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT from_number, to_number FROM faxes').get()).toEqual({ from_number: '+15551230001', to_number: '+15551230002' });
    db.close();
    store.commit([{ projection: 'faxes', writes: [{ collection: 'faxes', key: 'f1', doc: null }], checkpoint: 3 }]);
    expect(store.faxes.find('f1')).toBeUndefined();
    store.close();
  });

  it('builds the query indexes of a new file once caught up, and again after a catch-up that was interrupted', () => {
    const indexes = () => {
      const db = new Database(path, { readonly: true });
      try {
        return db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'faxes_%' ORDER BY name").pluck().all();
      } finally {
        db.close();
      }
    };
    let store = createSqliteReadStore({ path });
    expect(indexes()).toEqual([]);
    store.commit([{ projection: 'p', writes: [doc('c', 1)], checkpoint: 1 }]);
    // Interrupted before it caught up: the next open still lacks them.
    store.close();
    store = createSqliteReadStore({ path });
    expect(indexes()).toEqual([]);
    store.caughtUp();
    expect(indexes()).toContain('faxes_tenant_time');
    expect(indexes()).toContain('faxes_tenant_unread_time');
    expect(indexes()).toHaveLength(14);
    store.close();
    store = createSqliteReadStore({ path });
    expect(store.faxes.list({ tenantId: 't' }, 10)).toEqual({ items: [], nextCursor: null });
    store.close();
  });

  it('dumps the same content whether the documents came in one commit or many', () => {
    const writes = [...Array.from({ length: 1200 }, (_, index) => doc('c', index)), { collection: 'c', key: 'k7', doc: null }, { collection: 'd', key: 'x', doc: [1, 2] }];
    const bulk = createSqliteReadStore({ path });
    const last = new Map(writes.map((write) => [`${write.collection}/${write.key}`, write]));
    bulk.commit([{ projection: 'p', writes: [...last.values()], checkpoint: 5 }]);
    const live = createSqliteReadStore({ path: join(dir, 'live.sqlite') });
    for (const write of writes) live.commit([{ projection: 'p', writes: [write], checkpoint: 5 }]);
    expect(live.dump()).toEqual(bulk.dump());
    expect(bulk.dump().documents[0]).toEqual({ projection: 'p', collection: 'c', key: 'k0', doc: JSON.stringify(doc('c', 0).doc) });
    bulk.close();
    live.close();
  });

  it('commits documents and checkpoint together: a failing commit leaves both as they were', () => {
    let store = createSqliteReadStore({ path });
    store.commit([{ projection: 'p', writes: [doc('c', 1)], checkpoint: 1 }]);
    // BigInt cannot be encoded: the transaction fails after projection q's document and checkpoint were written.
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

  it('empties a file of the older chunked layout, so the runner rebuilds it', () => {
    const old = new Database(path);
    old.exec(
      "CREATE TABLE chunks (projection TEXT, collection TEXT, chunk INTEGER, docs TEXT); INSERT INTO chunks VALUES ('p', 'c', 0, '[\"k\",1]'); CREATE TABLE checkpoints (projection TEXT PRIMARY KEY, position INTEGER); INSERT INTO checkpoints VALUES ('p', 9); PRAGMA user_version = 2",
    );
    old.close();
    const store = createSqliteReadStore({ path });
    expect(store.load('p')).toEqual({ checkpoint: 0, documents: [] });
    store.close();
    const reopened = new Database(path, { readonly: true });
    expect(reopened.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'chunks'").pluck().get()).toBe(0);
    reopened.close();
  });
});
