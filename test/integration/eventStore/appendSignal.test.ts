import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppendSignal } from '../../../src/adapters/eventStore/sqlite/appendSignal.js';
import { makeTempDir } from '../../support/tempDir.js';

// A timer wake-up costs ~0.2 ms of CPU on a small VM: an idle server must not poll 20 times a second (#17).
describe('append signal: commits of another connection', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  });

  it('wakes a waiter when another connection commits, from the WAL being written, not from a poll', async () => {
    const dir = makeTempDir('append-signal');
    cleanups.push(dir.remove);
    const path = join(dir.path, 'events.sqlite');
    const ours = new Database(path);
    ours.pragma('journal_mode = WAL');
    ours.exec('CREATE TABLE t (x)');
    cleanups.push(() => ours.close());
    const theirs = new Database(path);
    cleanups.push(() => theirs.close());
    // Polls an hour apart: only the WAL watch can notice the commit in time.
    const signal = createAppendSignal(ours, 3_600_000, `${path}-wal`, 3_600_000);
    cleanups.push(() => signal.close());

    const woken = signal.next(signal.count());
    theirs.prepare('INSERT INTO t VALUES (1)').run();
    const outcome = await Promise.race([woken.then(() => 'woken'), new Promise((resolve) => setTimeout(() => resolve('not woken in 5 s'), 5000))]);
    expect(outcome).toBe('woken');
    expect(signal.count()).toBe(1);
  });
});
