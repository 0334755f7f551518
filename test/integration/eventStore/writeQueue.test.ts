import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareDatabase } from '../../../src/adapters/eventStore/sqlite/schema.js';
import type { WalSync } from '../../../src/adapters/eventStore/sqlite/walSync.js';
import { createWriteQueue } from '../../../src/adapters/eventStore/sqlite/writeQueue.js';
import { WrongExpectedRevisionError } from '../../../src/ports/eventStore.js';
import { systemClock } from '../../../src/ports/clock.js';
import { makeTempDir } from '../../support/tempDir.js';

/** A WAL sync that holds every acknowledgement until the test releases it: what was made to wait for an fsync. */
function heldWalSync() {
  const held: Array<(error?: Error) => void> = [];
  const walSync: WalSync = {
    afterCommit: (done) => void held.push(done),
    drain: async () => undefined,
    close: () => undefined,
  };
  return { walSync, held, release: () => held.splice(0).forEach((done) => done()) };
}

describe('SQLite write queue: which groups wait for the WAL fsync', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  });

  function openQueue() {
    const dir = makeTempDir('write-queue');
    cleanups.push(dir.remove);
    const db = new Database(join(dir.path, 'events.sqlite'));
    cleanups.push(() => db.close());
    prepareDatabase(db);
    const sync = heldWalSync();
    let acknowledged = 0;
    const queue = createWriteQueue(db, systemClock, { onRowsCommitted: () => undefined, onAcknowledged: () => (acknowledged += 1) }, sync.walSync);
    return { db, queue, sync, acknowledged: () => acknowledged };
  }

  const settled = <T>(promise: Promise<T>) => {
    const state = { done: false };
    void promise.then(() => (state.done = true), () => (state.done = true));
    return state;
  };
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  it('an append resolves only after the fsync; checkpoints alone resolve once committed', async () => {
    const { db, queue, sync } = openQueue();
    const append = settled(queue.append('fax-1', [{ type: 'FaxQueued', data: { n: 1 } }], 'no_stream'));
    await nextTurn();
    await nextTurn();
    expect(sync.held).toHaveLength(1);
    expect(append.done).toBe(false);

    // A later group of checkpoints only: committed, acknowledged without an fsync, while the
    // append's fsync is still running.
    const checkpoint = settled(queue.saveCheckpoint('notifier', 1));
    await nextTurn();
    await nextTurn();
    expect(checkpoint.done).toBe(true);
    expect(sync.held).toHaveLength(1);
    expect(db.prepare('SELECT position FROM checkpoints WHERE name = ?').pluck().get('notifier')).toBe(1);
    expect(queue.firstUnacknowledged()).toBe(1);
    expect(append.done).toBe(false);

    sync.release();
    await nextTurn();
    expect(append.done).toBe(true);
    expect(queue.firstUnacknowledged()).toBeUndefined();
  });

  it('a group with events and checkpoints waits for the fsync; one whose appends all failed does not', async () => {
    const { queue, sync } = openQueue();
    const first = queue.append('fax-1', [{ type: 'FaxQueued', data: {} }], 'no_stream');
    await nextTurn();
    sync.release();
    await first;

    const mixed = settled(Promise.all([queue.append('fax-1', [{ type: 'FaxDialing', data: {} }], 0), queue.saveCheckpoint('dialer', 1)]));
    await nextTurn();
    await nextTurn();
    expect(mixed.done).toBe(false);
    expect(sync.held).toHaveLength(1);
    sync.release();
    await nextTurn();
    expect(mixed.done).toBe(true);

    // A stale expected revision writes nothing: nothing to make durable, the conflict is answered at once.
    const stale = queue.append('fax-1', [{ type: 'FaxDialing', data: {} }], 0);
    const conflict = settled(stale);
    await nextTurn();
    await nextTurn();
    expect(conflict.done).toBe(true);
    expect(sync.held).toHaveLength(0);
    await expect(stale).rejects.toBeInstanceOf(WrongExpectedRevisionError);
  });
});
