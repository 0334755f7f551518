import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startBackgroundCheckpointer } from '../../../src/adapters/sqlite/backgroundCheckpointer.js';
import { makeTempDir } from '../../support/tempDir.js';

/** Writes ~1 MB per round, pausing between rounds; answers the WAL file's size at the end. */
async function writeRounds(db: Database.Database, path: string, rounds: number): Promise<number> {
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

describe('background WAL checkpointer', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function open(name: string) {
    const dir = makeTempDir('checkpointer');
    const path = join(dir.path, name);
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, data TEXT)');
    cleanups.push(dir.remove, () => db.close());
    return { db, path };
  }

  it('checkpoints from a worker thread, so the WAL is reused instead of growing with every commit', async () => {
    const withWorker = open('with.sqlite');
    const checkpointer = startBackgroundCheckpointer(withWorker.db, withWorker.path, { intervalMs: 20, safetyNetPages: 1_000_000 });
    cleanups.push(() => checkpointer.stop());
    const without = open('without.sqlite');
    without.db.pragma('wal_autocheckpoint = 1000000');

    const [walWith, walWithout] = [await writeRounds(withWorker.db, withWorker.path, 8), await writeRounds(without.db, without.path, 8)];
    expect(walWithout).toBeGreaterThan(7_000_000);
    expect(walWith).toBeLessThan(walWithout / 2);
    expect(withWorker.db.prepare('SELECT count(*) FROM blobs').pluck().get()).toBe(2000);
  });
});
