import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir } from '../../support/tempDir.js';

// Counts the worker threads the checkpointer starts; they are real workers all the same.
const started = vi.hoisted(() => ({ workers: 0, running: 0 }));
vi.mock('node:worker_threads', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:worker_threads')>();
  class CountedWorker extends original.Worker {
    constructor(...args: ConstructorParameters<typeof original.Worker>) {
      super(...args);
      started.workers += 1;
      started.running += 1;
      this.once('exit', () => (started.running -= 1));
    }
  }
  return { ...original, Worker: CountedWorker };
});
const { startBackgroundCheckpointer, wakeBackgroundCheckpointer } = await import('../../../src/adapters/sqlite/backgroundCheckpointer.js');

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

describe('background WAL checkpointer shared by several databases (#17: idle memory)', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function open(name: string) {
    const dir = makeTempDir('shared-checkpointer');
    const path = join(dir.path, name);
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, data TEXT)');
    cleanups.push(dir.remove, () => db.close());
    return { db, path };
  }

  it('checkpoints two databases from one worker thread, and goes on for one when the other stops', async () => {
    const before = started.workers;
    const events = open('events.sqlite');
    const reads = open('readmodels.sqlite');
    const forEvents = startBackgroundCheckpointer(events.db, events.path, { intervalMs: 20, safetyNetPages: 1_000_000 });
    const forReads = startBackgroundCheckpointer(reads.db, reads.path, { intervalMs: 20, safetyNetPages: 1_000_000 });
    cleanups.push(() => forReads.stop());
    expect(started.workers - before).toBe(1);

    // Without checkpoints 8 rounds leave a WAL over 7 MB (backgroundCheckpointer.test.ts).
    const [walEvents, walReads] = await Promise.all([writeRounds(events.db, events.path, 8), writeRounds(reads.db, reads.path, 8)]);
    expect(walEvents).toBeLessThan(3_500_000);
    expect(walReads).toBeLessThan(3_500_000);

    await forEvents.stop();
    expect(await writeRounds(reads.db, reads.path, 8)).toBeLessThan(3_500_000);
    expect(started.workers - before).toBe(1);
  });

  it('ends its worker when nothing was written for idleStopMs, and starts it again on the next wake', async () => {
    const store = open('idle.sqlite');
    const checkpointer = startBackgroundCheckpointer(store.db, store.path, { intervalMs: 20, safetyNetPages: 1_000_000, idleStopMs: 300 });
    cleanups.push(() => checkpointer.stop());
    const before = started.workers;
    expect(await writeRounds(store.db, store.path, 4)).toBeLessThan(3_500_000);
    for (let waited = 0; waited < 10_000 && started.running > 0; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(started.running).toBe(0);

    wakeBackgroundCheckpointer();
    expect(started.workers).toBeGreaterThan(before);
    expect(started.running).toBe(1);
    expect(await writeRounds(store.db, store.path, 8)).toBeLessThan(3_500_000);
  });

  it('starts its worker again when a WAL is written to without a wake (a read store beside KurrentDB)', async () => {
    const store = open('unwoken.sqlite');
    const checkpointer = startBackgroundCheckpointer(store.db, store.path, { intervalMs: 20, safetyNetPages: 1_000_000, idleStopMs: 300 });
    cleanups.push(() => checkpointer.stop());
    await writeRounds(store.db, store.path, 1);
    for (let waited = 0; waited < 10_000 && started.running > 0; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(started.running).toBe(0);

    await writeRounds(store.db, store.path, 1);
    for (let waited = 0; waited < 15_000 && started.running === 0; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(started.running).toBe(1);
  });
});
