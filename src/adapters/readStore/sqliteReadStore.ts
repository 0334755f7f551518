import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { ProjectionCommit, ReadStore, ReadStoreDump, StoredDocument } from '../../ports/readStore.js';

const schema = `
CREATE TABLE IF NOT EXISTS documents (
  projection TEXT NOT NULL,
  collection TEXT NOT NULL,
  key TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (projection, collection, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (
  projection TEXT PRIMARY KEY,
  position INTEGER NOT NULL
) WITHOUT ROWID;
`;

/** The embedded read store: one SQLite file (`<dataDir>/readmodels.sqlite`), documents as JSON text. */
export function createSqliteReadStore(options: { path: string }): ReadStore {
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  // The event store is the source of truth: losing the last commits on power loss only means replaying them.
  db.pragma('synchronous = NORMAL');
  // A rebuild writes hundreds of thousands of rows; a bigger page cache keeps B-tree inserts in memory.
  db.pragma('cache_size = -65536');
  db.exec(schema);

  const selectCheckpoint = db.prepare<[string], { position: number }>('SELECT position FROM checkpoints WHERE projection = ?');
  const selectDocuments = db.prepare<[string], [string, string, string]>('SELECT collection, key, doc FROM documents WHERE projection = ?').raw(true);
  // Many rows per statement: a rebuild writes hundreds of thousands of documents and per-call overhead dominates.
  const rowsPerStatement = 64;
  const upsertMany = db.prepare(`INSERT OR REPLACE INTO documents (projection, collection, key, doc) VALUES ${Array(rowsPerStatement).fill('(?, ?, ?, ?)').join(', ')}`);
  const upsertOne = db.prepare('INSERT OR REPLACE INTO documents (projection, collection, key, doc) VALUES (?, ?, ?, ?)');
  const deleteOne = db.prepare('DELETE FROM documents WHERE projection = ? AND collection = ? AND key = ?');
  const saveCheckpoint = db.prepare('INSERT INTO checkpoints (projection, position) VALUES (?, ?) ON CONFLICT DO UPDATE SET position = excluded.position');

  const commitAll = db.transaction((commits: readonly ProjectionCommit[]) => {
    // Each commit holds at most one write per document, so deletes and upserts can go in any order.
    for (const { projection, writes, checkpoint } of commits) {
      let rows: unknown[] = [];
      for (const { collection, key, doc } of writes) {
        if (doc === null) {
          deleteOne.run(projection, collection, key);
          continue;
        }
        rows.push(projection, collection, key, JSON.stringify(doc));
        if (rows.length === rowsPerStatement * 4) {
          upsertMany.run(rows);
          rows = [];
        }
      }
      for (let index = 0; index < rows.length; index += 4) upsertOne.run(rows.slice(index, index + 4));
      saveCheckpoint.run(projection, checkpoint);
    }
  });

  return {
    load(projection) {
      // all() beats iterate() by a wide margin on large tables; start-up reads every document once.
      const documents: StoredDocument[] = selectDocuments.all(projection).map(([collection, key, doc]) => ({ collection, key, doc: JSON.parse(doc) }));
      return { checkpoint: selectCheckpoint.get(projection)?.position ?? 0, documents };
    },
    commit(commits) {
      commitAll(commits);
    },
    dump(): ReadStoreDump {
      return {
        documents: db.prepare('SELECT projection, collection, key, doc FROM documents ORDER BY projection, collection, key').all() as ReadStoreDump['documents'],
        checkpoints: db.prepare('SELECT projection, position FROM checkpoints ORDER BY projection').all() as ReadStoreDump['checkpoints'],
      };
    },
    close() {
      db.close();
    },
  };
}

/** Deletes the read store file and its WAL companions, for a rebuild from the event store. */
export function dropSqliteReadStore(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}
