import { renameSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import Database from 'better-sqlite3';
import type { AccessReadModel } from '../../ports/accessReadModel.js';
import type { FaxReadModel } from '../../ports/faxReadModel.js';
import type { NotificationReadModel } from '../../ports/notificationReadModel.js';
import { startBackgroundCheckpointer } from '../sqlite/backgroundCheckpointer.js';
import type { ProjectionCommit, ReadStore, ReadStoreDump, StoredDocument } from '../../ports/readStore.js';
import { accessTable } from './accessTable.js';
import { faxTable } from './faxTable.js';
import { createIndexes, missingIndexes, prepareHistoryTable, type HistoryTable, type HistoryTableSpec } from './historyTable.js';
import { createNumberKey } from './numberKey.js';
import { notificationTable } from './notificationTable.js';
import { createSqliteAccessReadModel } from './sqliteAccessReadModel.js';
import { createSqliteFaxReadModel } from './sqliteFaxReadModel.js';
import { createSqliteNotificationReadModel } from './sqliteNotificationReadModel.js';
import { keepTemporaryDataInMemory } from '../sqlite/temporaryDataInMemory.js';

/**
 * Bumped when the layout changes. A file of another layout is emptied on open: the read store is
 * rebuildable, so the runner simply replays the event store into the new layout.
 */
const layout = 5;

const baseSchema = `
CREATE TABLE documents (
  projection TEXT NOT NULL,
  collection TEXT NOT NULL,
  key TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (projection, collection, key)
);
CREATE TABLE checkpoints (
  projection TEXT PRIMARY KEY,
  position INTEGER NOT NULL
) WITHOUT ROWID;
`;

export interface SqliteReadStoreOptions {
  path: string;
  /** A new file no one reads until it is complete: see readStoreRebuild.ts. */
  building?: boolean;
  /** The country national numbers are read in, for the fax table's number columns and searches. Default US. */
  defaultCountry?: string;
}

/** The read store and the queries of the read models it keeps as tables. */
export interface SqliteReadStore extends ReadStore {
  faxes: FaxReadModel;
  notifications: NotificationReadModel;
  access: AccessReadModel;
}

/**
 * The embedded read store: one SQLite file (`<dataDir>/readmodels.sqlite`). Collections that grow
 * with history have a table of their own with the indexes their queries need (faxTable.ts,
 * notificationTable.ts); every other document is a row of `documents`. A commit writes the rows
 * its writes touch and moves the checkpoints in the same transaction.
 */
export function createSqliteReadStore(options: SqliteReadStoreOptions): SqliteReadStore {
  const db = new Database(options.path);
  if (options.building) {
    // Pages are written once, not to the WAL and again by a checkpoint; the rollback journal
    // stays in memory.
    db.pragma('journal_mode = MEMORY');
    db.pragma('synchronous = OFF');
  } else {
    db.pragma('journal_mode = WAL');
    // Safe only because the read store is rebuildable from the event store: a power cut may lose the
    // last commits, never tear one (documents and checkpoint still commit atomically), and replaying them is idempotent.
    db.pragma('synchronous = NORMAL');
  }
  // A purge clears rows: what they held is overwritten with zeros, not left in free space (~free
  // with the rows' pages being written anyway; freed pages cost a write each).
  db.pragma('secure_delete = ON');
  keepTemporaryDataInMemory(db);
  // 16 MB of pages: a page of a list touches a few index pages and its rows; more only weighs on RSS.
  db.pragma('cache_size = -16384');
  // Checkpoints run beside the event loop, not in commits.
  const checkpointer = options.building ? undefined : startBackgroundCheckpointer(db, options.path);
  const numberKey = createNumberKey(options.defaultCountry ?? 'US');
  const specs: HistoryTableSpec[] = [faxTable(numberKey), notificationTable, accessTable];
  if (db.pragma('user_version', { simple: true }) !== layout) db.transaction(() => resetSchema(db, specs)).immediate();
  // A new file (or one whose catch-up was interrupted) gets the query indexes once caught up: one
  // sorted build per index instead of an index insert per row, and a catch-up reads by key only.
  let indexesDeferred = specs.some((spec) => missingIndexes(db, spec).length > 0);

  const tables = new Map<string, HistoryTable>(specs.map((spec) => [tableKey(spec.projection, spec.collection), prepareHistoryTable(db, spec)]));
  const tableOf = (projection: string, collection: string) => tables.get(tableKey(projection, collection));

  const selectCheckpoint = db.prepare<[string], number>('SELECT position FROM checkpoints WHERE projection = ?').pluck();
  // Collection by collection (an index seek to the next one), so that loading skips history
  // collections without reading their rows: the stats projection alone has ~8 per fax.
  const nextCollection = db.prepare<[string, string], string>('SELECT collection FROM documents WHERE projection = ? AND collection > ? ORDER BY collection LIMIT 1').pluck();
  const selectCollection = db.prepare<[string, string], [string, string]>('SELECT key, doc FROM documents WHERE projection = ? AND collection = ?').raw();
  const selectDocument = db.prepare<[string, string, string], string>('SELECT doc FROM documents WHERE projection = ? AND collection = ? AND key = ?').pluck();
  const selectPage = db.prepare<[string, string, string, number], [string, string]>(
    'SELECT key, doc FROM documents WHERE projection = ? AND collection = ? AND key > ? ORDER BY key LIMIT ?',
  ).raw();
  const selectRange = db.prepare<[string, string, string, string, number], [string, string]>(
    'SELECT key, doc FROM documents WHERE projection = ? AND collection = ? AND key > ? AND key < ? ORDER BY key LIMIT ?',
  ).raw();
  const saveDocument = db.prepare('INSERT INTO documents (projection, collection, key, doc) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET doc = excluded.doc');
  const deleteDocument = db.prepare('DELETE FROM documents WHERE projection = ? AND collection = ? AND key = ?');
  const saveCheckpoint = db.prepare('INSERT INTO checkpoints (projection, position) VALUES (?, ?) ON CONFLICT DO UPDATE SET position = excluded.position');

  let purged = false;
  const commitAll = db.transaction((commits: readonly ProjectionCommit[]) => {
    for (const { projection, writes, checkpoint } of commits) {
      for (const { collection, key, doc } of writes) {
        const table = tableOf(projection, collection);
        if (table) {
          if (doc === null) table.delete(key);
          else {
            table.put(key, doc);
            if (table.spec.purged?.(doc)) purged = true;
          }
        } else if (doc === null) deleteDocument.run(projection, collection, key);
        else saveDocument.run(projection, collection, key, JSON.stringify(doc));
      }
      saveCheckpoint.run(projection, checkpoint);
    }
  });

  return {
    load(projection, history = []) {
      const skip = new Set(history);
      const documents: StoredDocument[] = [];
      for (let collection = nextCollection.get(projection, ''); collection !== undefined; collection = nextCollection.get(projection, collection)) {
        if (skip.has(collection)) continue;
        for (const [key, doc] of selectCollection.iterate(projection, collection)) documents.push({ collection, key, doc: JSON.parse(doc) });
      }
      return { checkpoint: selectCheckpoint.get(projection) ?? 0, documents };
    },
    get(projection, collection, key) {
      const table = tableOf(projection, collection);
      const doc = table ? table.get(key) : selectDocument.get(projection, collection, key);
      return doc === undefined ? undefined : JSON.parse(doc);
    },
    page(projection, collection, limit, after = '', before) {
      const table = tableOf(projection, collection);
      const rows = table
        ? table.page(after, limit, before)
        : before === undefined
          ? selectPage.all(projection, collection, after, limit)
          : selectRange.all(projection, collection, after, before, limit);
      return rows.map(([key, doc]) => ({ collection, key, doc: JSON.parse(doc) }));
    },
    commit(commits) {
      purged = false;
      commitAll.immediate(commits);
      // The pages as they were before the purge are in the WAL until it is checkpointed and cut.
      if (purged) checkpointer?.truncateSoon();
    },
    caughtUp() {
      if (!indexesDeferred) return;
      db.transaction(() => specs.forEach((spec) => createIndexes(db, spec))).immediate();
      indexesDeferred = false;
    },
    dump(): ReadStoreDump {
      const documents: ReadStoreDump['documents'] = [];
      for (const [projection, collection, key, doc] of db.prepare<[], [string, string, string, string]>('SELECT projection, collection, key, doc FROM documents').raw().iterate()) {
        documents.push({ projection, collection, key, doc });
      }
      for (const table of tables.values()) {
        const { projection, collection } = table.spec;
        for (const [key, doc] of table.rows()) documents.push({ projection, collection, key, doc });
      }
      documents.sort((a, b) => compare(a.projection, b.projection) || compare(a.collection, b.collection) || compare(a.key, b.key));
      return {
        documents,
        checkpoints: db.prepare('SELECT projection, position FROM checkpoints ORDER BY projection').all() as ReadStoreDump['checkpoints'],
      };
    },
    faxes: createSqliteFaxReadModel(db, numberKey),
    notifications: createSqliteNotificationReadModel(db),
    access: createSqliteAccessReadModel(db),
    close() {
      void checkpointer?.stop();
      // A finished build becomes an ordinary read store (the caller fsyncs it: synchronous is off).
      if (options.building) db.pragma('journal_mode = WAL');
      db.close();
    },
  };
}

/** Drops whatever an older layout left (chunks, tables, indexes) and creates this layout's tables. */
function resetSchema(db: Database.Database, specs: readonly HistoryTableSpec[]): void {
  // Virtual tables first: dropping one drops its shadow tables, which then are no longer there.
  const tables = db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY sql LIKE 'CREATE VIRTUAL%' DESC").pluck().all();
  for (const table of tables) db.exec(`DROP TABLE IF EXISTS "${table}"`);
  db.exec(baseSchema);
  for (const spec of specs) db.exec(spec.schema);
  db.pragma(`user_version = ${layout}`);
}

const tableKey = (projection: string, collection: string) => `${projection}\u0000${collection}`;
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Moves the read store file and its WAL companions aside, when a rebuilt one takes its place, and
 * deletes them in the background: unlinking tens of MB takes ~50 ms that the rebuild need not wait
 * for. A `.dropped` file a crash left behind is replaced by the next drop.
 */
export function dropSqliteReadStore(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) {
    const dropped = `${path}${suffix}.dropped`;
    try {
      renameSync(`${path}${suffix}`, dropped);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    // A failed delete leaves the `.dropped` file for the next drop to replace: nothing to report.
    rm(dropped, { force: true }).catch(() => undefined);
  }
}
