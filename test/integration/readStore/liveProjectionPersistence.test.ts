import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { put, type DocumentProjection } from '../../../projections/documentProjection.js';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { createSqliteReadStore } from '../../../src/adapters/readStore/sqliteReadStore.js';
import { createProjectionRunner } from '../../../src/reactors/projectionRunner.js';
import { makeTempDir } from '../../support/tempDir.js';

/** Counts `Ticked` events per stream: each event rewrites its stream's document. */
const counter: DocumentProjection = {
  name: 'counter',
  handles: ['Ticked'],
  init: () => [],
  evolve: (view, event) => [put('counts', event.stream, { ticks: (view.get<{ ticks: number }>('counts', event.stream)?.ticks ?? 0) + 1 })],
};

const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('live projections: applied in memory at once, persisted in batches', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function open(dir: string) {
    const eventStore = createSqliteEventStore({ path: join(dir, 'events.sqlite') });
    const readStore = createSqliteReadStore({ path: join(dir, 'read.sqlite') });
    const runner = createProjectionRunner({ eventStore, readStore, projections: [counter], streamPrefixes: ['tick-'], logger, persistEveryMs: 200 });
    return { eventStore, readStore, runner };
  }

  it('shows live events in memory before the read store has them, then persists them with their checkpoint', async () => {
    const dir = makeTempDir('live-persist');
    cleanups.push(dir.remove);
    const { eventStore, readStore, runner } = open(dir.path);
    cleanups.push(() => eventStore.close(), () => readStore.close());
    await runner.start();

    let last = 0;
    for (let tick = 0; tick < 30; tick++) last = (await eventStore.append(`tick-${tick % 3}`, [{ type: 'Ticked', data: {} }])).position;
    await runner.waitFor(last);
    expect(runner.view('counter').get('counts', 'tick-0')).toEqual({ ticks: 10 });
    // Within the persist interval the read store still holds the state before these events.
    expect(readStore.load('counter').checkpoint).toBeLessThan(last);

    // Persisted within the interval (200 ms here); polled so a slow machine only waits longer.
    for (const deadline = Date.now() + 5000; readStore.load('counter').checkpoint < last && Date.now() < deadline; ) await sleep(20);
    const persisted = readStore.load('counter');
    expect(persisted.checkpoint).toBe(last);
    expect(persisted.documents.map(({ key, doc }) => [key, doc]).sort()).toEqual([
      ['tick-0', { ticks: 10 }],
      ['tick-1', { ticks: 10 }],
      ['tick-2', { ticks: 10 }],
    ]);
    await runner.stop();
  });

  it('persists everything on stop, and after a crash replays what was not persisted, counting each event once', async () => {
    const dir = makeTempDir('live-persist-crash');
    cleanups.push(dir.remove);
    const first = open(dir.path);
    await first.runner.start();
    let last = 0;
    for (let tick = 0; tick < 10; tick++) last = (await first.eventStore.append('tick-a', [{ type: 'Ticked', data: {} }])).position;
    await first.runner.waitFor(last);
    await first.runner.stop();
    expect(first.readStore.load('counter').checkpoint).toBe(last);

    // A crash: events applied in memory but never persisted (no stop, stores dropped as they are).
    const crashed = open(dir.path);
    await crashed.runner.start();
    for (let tick = 0; tick < 5; tick++) last = (await crashed.eventStore.append('tick-a', [{ type: 'Ticked', data: {} }])).position;
    await crashed.runner.waitFor(last);
    expect(crashed.runner.view('counter').get('counts', 'tick-a')).toEqual({ ticks: 15 });
    crashed.readStore.close();
    await crashed.eventStore.close();

    const restarted = open(dir.path);
    cleanups.push(() => restarted.eventStore.close(), () => restarted.readStore.close());
    await restarted.runner.start();
    expect(restarted.runner.view('counter').get('counts', 'tick-a')).toEqual({ ticks: 15 });
    await restarted.runner.stop();
    expect(restarted.readStore.load('counter').checkpoint).toBe(last);
  });
});
