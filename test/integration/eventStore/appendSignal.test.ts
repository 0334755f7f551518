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

  /** Ours (watched) and theirs (another connection, as another process's would be) on one WAL file. */
  function twoConnections() {
    const dir = makeTempDir('append-signal');
    cleanups.push(dir.remove);
    const path = join(dir.path, 'events.sqlite');
    const ours = new Database(path);
    ours.pragma('journal_mode = WAL');
    ours.exec('CREATE TABLE t (x)');
    cleanups.push(() => ours.close());
    const theirs = new Database(path);
    cleanups.push(() => theirs.close());
    return { path, ours, theirs };
  }

  it('wakes a waiter when another connection commits, from the WAL being written, not from a poll', async () => {
    const { path, ours, theirs } = twoConnections();
    // Polls an hour apart: only the WAL watch can notice the commit in time.
    const signal = createAppendSignal(ours, 3_600_000, `${path}-wal`, 3_600_000);
    cleanups.push(() => signal.close());

    const woken = signal.next(signal.count());
    theirs.prepare('INSERT INTO t VALUES (1)').run();
    const outcome = await Promise.race([woken.then(() => 'woken'), new Promise((resolve) => setTimeout(() => resolve('not woken in 5 s'), 5000))]);
    expect(outcome).toBe('woken');
    expect(signal.count()).toBe(1);
  });

  // Every page SQLite writes to the WAL is a change event; reading data_version for each was the
  // event loop's biggest source of system calls on a busy server (#17).
  it('reads data_version once per settling window, not once per WAL write', async () => {
    const { path, ours, theirs } = twoConnections();
    const signal = createAppendSignal(ours, 3_600_000, `${path}-wal`, 3_600_000, undefined, 100);
    cleanups.push(() => signal.close());

    // Keep a waiter armed throughout, as the live subscriptions do.
    let stop = false;
    const waiting = (async () => {
      while (!stop) await signal.next(signal.count());
    })();
    const insert = theirs.prepare('INSERT INTO t VALUES (1)');
    const started = Date.now();
    let commits = 0;
    while (Date.now() - started < 400) {
      insert.run();
      commits += 1;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
    stop = true;
    signal.notify();
    await waiting;
    // Seen (another process's commits are not lost), but in about one wake-up per 100 ms window
    // (4 to 6 over 400 ms), not one per commit (over 100).
    expect(commits).toBeGreaterThan(50);
    const otherCommitsSeen = signal.count() - 1; // the last one is our notify()
    expect(otherCommitsSeen).toBeGreaterThanOrEqual(3);
    expect(otherCommitsSeen).toBeLessThanOrEqual(8);
  });
});
