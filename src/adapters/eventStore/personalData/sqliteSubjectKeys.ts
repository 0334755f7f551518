import Database from 'better-sqlite3';
import { createWalSync } from '../sqlite/walSync.js';
import type { StoredKey, SubjectKeyBackend } from './subjectKeys.js';
import { keepTemporaryDataInMemory } from '../../sqlite/temporaryDataInMemory.js';

type Row = { subject: string; wrapped: Buffer | null };

/**
 * Wrapped keys in a small SQLite file of their own beside the events file (`<events file>-keys`),
 * shared by the processes of one machine.
 *
 * A new key is durable before the first event sealed under it is appended: its commit's WAL is
 * fsynced on libuv's thread pool (walSync.ts) before `create` resolves. Not `synchronous = FULL`
 * in a rollback journal: that fsyncs on the event loop, 12 ms (p50) per new fax measured here,
 * every call's events waiting meanwhile.
 *
 * A destroyed key leaves no copy in any file: `secure_delete` zeroes its bytes in the page, and
 * the WAL (which still holds the earlier versions of the page) is checkpointed into the database
 * and truncated to nothing at once — what `journal_mode = DELETE` would give, off the hot path.
 */
export function createSqliteSubjectKeyBackend(path: string): SubjectKeyBackend {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('secure_delete = ON');
  db.pragma('busy_timeout = 10000');
  keepTemporaryDataInMemory(db);
  const walSync = createWalSync(`${path}-wal`);
  const durable = () => new Promise<void>((resolve, reject) => walSync.afterCommit((error) => (error ? reject(error) : resolve())));
  db.exec('CREATE TABLE IF NOT EXISTS subject_keys (subject TEXT PRIMARY KEY, key_id TEXT, wrapped BLOB) WITHOUT ROWID');
  const statements = {
    one: db.prepare<[string], Row>('SELECT subject, wrapped FROM subject_keys WHERE subject = ?'),
    insert: db.prepare<[string, string, Buffer]>('INSERT INTO subject_keys (subject, key_id, wrapped) VALUES (?, ?, ?) ON CONFLICT (subject) DO NOTHING'),
    tombstone: db.prepare<[string]>('INSERT INTO subject_keys (subject, key_id, wrapped) VALUES (?, NULL, NULL) ON CONFLICT (subject) DO UPDATE SET key_id = NULL, wrapped = NULL'),
    remove: db.prepare<[string]>('DELETE FROM subject_keys WHERE subject = ?'),
    counts: db.prepare<[], { key_id: string; n: number }>('SELECT key_id, count(*) AS n FROM subject_keys WHERE wrapped IS NOT NULL GROUP BY key_id'),
    notUnder: db.prepare<[string, number], { subject: string; wrapped: Buffer }>('SELECT subject, wrapped FROM subject_keys WHERE wrapped IS NOT NULL AND key_id <> ? LIMIT ?'),
    replace: db.prepare<[Buffer, string, string, Buffer]>('UPDATE subject_keys SET wrapped = ?, key_id = ? WHERE subject = ? AND wrapped = ?'),
  };
  const loadMany = db.transaction((subjects: readonly string[]) => {
    const found = new Map<string, StoredKey>();
    for (const subject of subjects) {
      const row = statements.one.get(subject);
      if (row) found.set(subject, row.wrapped);
    }
    return found;
  });
  const create = db.transaction((subject: string, wrapped: Buffer, keyId: string): StoredKey => {
    statements.insert.run(subject, keyId, wrapped);
    return statements.one.get(subject)!.wrapped;
  });

  return {
    async load(subjects) {
      return loadMany(subjects);
    },
    async create(subject, wrapped, keyId) {
      const stored = create(subject, wrapped, keyId);
      await durable();
      return stored;
    },
    async destroy(subject, tombstone) {
      (tombstone ? statements.tombstone : statements.remove).run(subject);
      await durable();
      // The WAL's older frames still hold the key: into the database file (zeroed there) and gone.
      // A reader of another process holding an old snapshot can keep the WAL from being truncated
      // this time; the next forget (or the last close) truncates it.
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
    async countByKey() {
      return Object.fromEntries(statements.counts.all().map((row) => [row.key_id, row.n]));
    },
    async notUnder(keyId, limit) {
      return statements.notUnder.all(keyId, limit);
    },
    async replace(subject, from, to, keyId) {
      return statements.replace.run(to, keyId, subject, from).changes === 1;
    },
    async close() {
      await walSync.drain();
      walSync.close();
      db.close();
    },
  };
}
