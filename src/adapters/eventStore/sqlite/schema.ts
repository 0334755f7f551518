import type Database from 'better-sqlite3';
import { keepTemporaryDataInMemory } from '../../sqlite/temporaryDataInMemory.js';

export type SynchronousMode = 'full' | 'normal';

/**
 * WAL lets readers (including other processes) run beside the single writer. `synchronous=NORMAL`:
 * a commit writes the WAL without fsyncing it; the store fsyncs it off the event loop before
 * acknowledging appends when it is asked for `full` durability (see walSync.ts).
 */
export function prepareDatabase(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 10000');
  keepTemporaryDataInMemory(db);
  db.exec(`
    CREATE TABLE IF NOT EXISTS events (
      position INTEGER PRIMARY KEY AUTOINCREMENT,
      id       TEXT    NOT NULL UNIQUE,
      stream   TEXT    NOT NULL,
      revision INTEGER NOT NULL,
      type     TEXT    NOT NULL,
      data     TEXT    NOT NULL,
      metadata TEXT    NOT NULL,
      created  TEXT    NOT NULL,
      UNIQUE (stream, revision)
    );
    CREATE TABLE IF NOT EXISTS checkpoints (
      name     TEXT    PRIMARY KEY,
      position INTEGER NOT NULL,
      updated  TEXT    NOT NULL
    );
  `);
}
