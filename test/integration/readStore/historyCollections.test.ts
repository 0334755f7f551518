import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { faxProjection, type FaxView } from '../../../projections/faxProjection.js';
import { notificationProjection } from '../../../projections/notificationProjection.js';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { createSqliteReadStore, type SqliteReadStore } from '../../../src/adapters/readStore/sqliteReadStore.js';
import type { ReadStore } from '../../../src/ports/readStore.js';
import { createProjectionRunner } from '../../../src/reactors/projectionRunner.js';
import { faxHistory, foldedFaxView, writeFaxHistory, type FaxHistoryOptions } from '../../support/faxHistory.js';
import { makeTempDir } from '../../support/tempDir.js';

const logger = pino({ level: 'silent' });


/** Counts what the runner asks of the read store. */
function counting(store: SqliteReadStore) {
  const counts = { gets: 0, found: 0, loaded: new Map<string, number>() };
  const readStore: ReadStore = {
    ...store,
    load(projection, history) {
      const loaded = store.load(projection, history);
      counts.loaded.set(projection, loaded.documents.length);
      return loaded;
    },
    get(projection, collection, key) {
      counts.gets++;
      const doc = store.get(projection, collection, key);
      if (doc !== undefined) counts.found++;
      return doc;
    },
  };
  return { readStore, counts };
}

describe('history collections: folded through a bounded cache, never held whole', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function open(faxes: number, cacheEntries: number, concurrent = 40) {
    const dir = makeTempDir('history-collections');
    cleanups.push(dir.remove);
    const options: FaxHistoryOptions = { faxes, tenants: 5, years: 1, seed: 3, concurrent };
    writeFaxHistory(join(dir.path, 'events.sqlite'), options);
    const eventStore = createSqliteEventStore({ path: join(dir.path, 'events.sqlite'), synchronous: 'normal' });
    const store = createSqliteReadStore({ path: join(dir.path, 'readmodels.sqlite') });
    cleanups.push(() => eventStore.close(), () => store.close());
    const runnerOf = (readStore: ReadStore = store) =>
      createProjectionRunner({ eventStore, readStore, projections: [faxProjection, notificationProjection], streamPrefixes: ['fax-'], logger, batchSize: 1000, cacheEntries });
    return { options, eventStore, store, runnerOf };
  }

  it('never caches more documents than its limit while catching up, and folds correctly what it had to read back', async () => {
    // 400 calls at once against a cache of 150: documents are evicted between two events of their fax.
    const { options, store, runnerOf } = await open(4000, 150, 400);
    const { readStore, counts } = counting(store);
    const runner = runnerOf(readStore);
    let largest = 0;
    runner.onApplied(() => (largest = Math.max(largest, runner.cached('faxes', 'faxes'))));
    await runner.catchUp();
    expect(largest).toBe(150);
    expect(runner.cached('faxes', 'faxes')).toBeLessThanOrEqual(150);
    expect(counts.found).toBeGreaterThan(1000);
    for (let index = 0; index < options.faxes; index++) expect(store.faxes.find(faxHistory(index, options).faxId)).toEqual(foldedFaxView(index, options));
  });

  it('offers no way to list a history collection whole', async () => {
    const { runnerOf } = await open(10, 100);
    const runner = runnerOf();
    await runner.catchUp();
    expect(() => [...runner.view('faxes').all('faxes')]).toThrow(/grows with history/);
    expect(runner.view('faxes').get<FaxView>('faxes', 'f00000003')?.faxId).toBe('f00000003');
  });

  it('starts without reading the history, and has live writes in the read store when waitFor resolves', async () => {
    const { eventStore, store, runnerOf } = await open(2000, 100);
    const first = runnerOf();
    await first.start();
    await first.stop();

    const { readStore, counts } = counting(store);
    const restarted = runnerOf(readStore);
    cleanups.push(() => restarted.stop());
    await restarted.start();
    expect(counts.loaded.get('faxes')).toBe(0);
    expect(counts.gets).toBe(0);

    // A new fax, live: its row is in the read store (what the API queries) as soon as waitFor resolves.
    const { position } = await eventStore.append('fax-live-1', [
      { type: 'FaxQueued', data: { faxId: 'live-1', direction: 'outbound', tenantId: 'tenant-0001', to: '+14445550000', from: '+15550010000', resolution: 'fine', pageSize: 'letter', files: [], submittedBy: { kind: 'admin' }, queuedAt: '2030-01-01T00:00:00.000Z' } },
    ]);
    await restarted.waitFor(position);
    expect(store.faxes.find('live-1')).toMatchObject({ faxId: 'live-1', status: 'queued' });
    expect(store.faxes.list({ tenantId: 'tenant-0001' }, 1).items[0]?.faxId).toBe('live-1');
    const cancelled = await eventStore.append('fax-live-1', [{ type: 'FaxCancelled', data: { faxId: 'live-1', during: 'queued', by: { kind: 'admin' }, cancelledAt: '2030-01-01T00:00:01.000Z' } }]);
    await restarted.waitFor(cancelled.position);
    expect(store.faxes.find('live-1')).toMatchObject({ status: 'cancelled', ended: true });
    expect(store.faxes.unfinishedOutbound()).not.toContain('live-1');
  });
});
