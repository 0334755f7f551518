import Database from 'better-sqlite3';
import type { StoredKey, SubjectKeyBackend } from './subjectKeys.js';

type Row = { subject: string; wrapped: Buffer | null };

/**
 * Wrapped keys in a small SQLite file of their own beside the events file (`<events file>-keys`),
 * shared by the processes of one machine. Rollback journal (not WAL) and `secure_delete`: a
 * destroyed key's bytes are overwritten with zeros in the file at once, and no WAL keeps a copy;
 * `synchronous = FULL`: a key is on disk before the first event sealed under it is appended.
 */
export function createSqliteSubjectKeyBackend(path: string): SubjectKeyBackend {
  const db = new Database(path);
  db.pragma('journal_mode = DELETE');
  db.pragma('secure_delete = ON');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
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
      return create(subject, wrapped, keyId);
    },
    async destroy(subject, tombstone) {
      (tombstone ? statements.tombstone : statements.remove).run(subject);
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
      db.close();
    },
  };
}
