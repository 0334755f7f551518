import type Database from 'better-sqlite3';

export type SynchronousMode = 'full' | 'normal';

/**
 * WAL lets readers (including other processes) run beside the single writer. `synchronous=FULL`
 * fsyncs the WAL on every commit, so an append that returned survives a power cut; group commit
 * (see writeQueue.ts) keeps that affordable.
 */
export function prepareDatabase(db: Database.Database, synchronous: SynchronousMode): void {
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
  db.pragma('busy_timeout = 10000');
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
