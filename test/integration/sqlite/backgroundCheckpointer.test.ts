import { afterEach, describe, expect, it } from 'vitest';
import { startBackgroundCheckpointer } from '../../../src/adapters/sqlite/backgroundCheckpointer.js';
import { openWalDatabase, writeRounds } from '../../support/walDatabase.js';

describe('background WAL checkpointer', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const open = (name: string) => openWalDatabase('checkpointer', name, cleanups);

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
