import { afterEach, describe, expect, it, vi } from 'vitest';
import { openWalDatabase, writeRounds } from '../../support/walDatabase.js';

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

describe('background WAL checkpointer shared by several databases (#17: idle memory)', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const open = (name: string) => openWalDatabase('shared-checkpointer', name, cleanups);

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
