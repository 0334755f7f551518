import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeTempDir } from './tempDir.js';

/** A WAL-mode SQLite file with one `blobs` table in a temp dir; `cleanups` gets its close and removal. */
export function openWalDatabase(label: string, name: string, cleanups: Array<() => unknown>): { db: Database.Database; path: string } {
  const dir = makeTempDir(label);
  const path = join(dir.path, name);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, data TEXT)');
  cleanups.push(dir.remove, () => db.close());
  return { db, path };
}

/** Writes ~1 MB per round, pausing between rounds; answers the WAL file's size at the end. */
export async function writeRounds(db: Database.Database, path: string, rounds: number): Promise<number> {
  const insert = db.prepare('INSERT INTO blobs (data) VALUES (?)');
  const chunk = 'x'.repeat(4000);
  for (let round = 0; round < rounds; round++) {
    db.transaction(() => {
      for (let row = 0; row < 250; row++) insert.run(chunk);
    })();
    await new Promise((resolve) => setTimeout(resolve, 120));
  }
  return statSync(`${path}-wal`).size;
}
