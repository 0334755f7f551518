import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { put, type DocumentProjection } from '../../../projections/documentProjection.js';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { createSqliteReadStore } from '../../../src/adapters/readStore/sqliteReadStore.js';
import type { ReadStore } from '../../../src/ports/readStore.js';
import { createProjectionRunner } from '../../../src/reactors/projectionRunner.js';
import { openReadModels } from '../../../src/reactors/readModels.js';
import { makeTempDir } from '../../support/tempDir.js';

/** One document per stream in a history collection (read from the read store, like the fax list). */
const ticks: DocumentProjection = {
  name: 'ticks',
  handles: ['Ticked'],
  historyCollections: ['byStream'],
  init: () => [],
  evolve: (view, event) => [put('byStream', event.stream, { ticks: (view.get<{ ticks: number }>('byStream', event.stream)?.ticks ?? 0) + 1 })],
};

const logger = pino({ level: 'silent' });

describe('live writes to history collections: committed together, and before anyone is told', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Real SQLite stores; `commits` counts the read store's commits. */
  async function open(historyCommitMs: number) {
    const dir = makeTempDir('history-commits');
    const eventStore = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    const store = createSqliteReadStore({ path: join(dir.path, 'readmodels.sqlite') });
    cleanups.push(dir.remove, () => eventStore.close(), () => store.close());
    const counted = { commits: 0 };
    const readStore: ReadStore = {
      ...store,
      commit(commits) {
        counted.commits++;
        store.commit(commits);
      },
    };
    const runner = createProjectionRunner({ eventStore, readStore, projections: [ticks], streamPrefixes: ['tick-'], logger, historyCommitMs });
    await runner.start();
    cleanups.push(() => runner.stop());
    return { eventStore, store, runner, counted };
  }

  const ticksOf = (store: ReadStore, stream: string) => (store.get('ticks', 'byStream', stream) as { ticks: number } | undefined)?.ticks;

  it('commits the events of a busy moment once, and tells listeners only when the read store has them', async () => {
    const { eventStore, store, runner, counted } = await open(1_000);
    const seenByListeners: Array<number | undefined> = [];
    runner.onApplied((changed) => {
      if (changed.has('ticks')) seenByListeners.push(ticksOf(store, 'tick-0'));
    });
    const before = counted.commits;
    // Twenty appends, each its own turn: each was a commit of its own.
    for (let tick = 0; tick < 20; tick++) await eventStore.append(`tick-${tick % 10}`, [{ type: 'Ticked', data: {} }]);
    for (const deadline = Date.now() + 10_000; seenByListeners.length === 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(counted.commits - before).toBeLessThanOrEqual(2);
    // Whoever is told reads the new state from the read store (the console's live lists do).
    expect(seenByListeners[0]).toBeGreaterThanOrEqual(1);
    expect(seenByListeners.every((value) => value !== undefined)).toBe(true);
    await runner.waitFor(await eventStore.readAll({ after: 0, maxCount: 1000 }).then((events) => events.at(-1)!.position));
    expect(ticksOf(store, 'tick-9')).toBe(2);
  });

  it('commits at once for a waiter and for a page read: read-your-writes never waits for the interval', async () => {
    const { eventStore, store, runner } = await open(60_000);
    const { position } = await eventStore.append('tick-1', [{ type: 'Ticked', data: {} }]);
    const started = performance.now();
    await runner.waitFor(position);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(ticksOf(store, 'tick-1')).toBe(1);

    const second = await eventStore.append('tick-2', [{ type: 'Ticked', data: {} }]);
    // Folded in memory without a waiter: the commit waits for the interval, unless a page is read.
    for (const deadline = Date.now() + 10_000; runner.position < second.position && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(ticksOf(store, 'tick-2')).toBeUndefined();
    expect(runner.page('ticks', 'byStream', 10).map((document) => document.key)).toEqual(['tick-1', 'tick-2']);
  });

  it("commits what waits before the fax table is queried: a fax is found as soon as it is applied (POST then GET)", async () => {
    const dir = makeTempDir('history-commits');
    const eventStore = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    const readModels = openReadModels({ dataDir: dir.path, eventStore, logger, historyCommitMs: 60_000 });
    cleanups.push(dir.remove, () => eventStore.close(), () => readModels.close());
    await readModels.runner.start();
    const queued = { faxId: 'f-1', direction: 'outbound', tenantId: 't1', to: '+15551230000', from: '+15550001111', resolution: 'fine', pageSize: 'letter', files: [], submittedBy: { kind: 'admin' }, queuedAt: new Date().toISOString() };
    const { position } = await eventStore.append('fax-f-1', [{ type: 'FaxQueued', data: queued }]);
    for (const deadline = Date.now() + 10_000; readModels.runner.position < position && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 5));
    // Applied in memory, not yet in the table: the commit interval has a minute to go.
    expect(readModels.readStore.get('faxes', 'faxes', 'f-1')).toBeUndefined();
    expect(readModels.faxes.find('f-1')?.status).toBe('queued');
    expect(readModels.readStore.get('faxes', 'faxes', 'f-1')).toBeDefined();
  });
});
