import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import type { FaxRoutedData } from '../../../src/domain/fax/deliveryPlan.js';
import { systemClock } from '../../../src/ports/clock.js';
import type { EventStore, Subscription } from '../../../src/ports/eventStore.js';
import { startStoreNothingPurge } from '../../../src/reactors/storeNothingPurge.js';
import { makeTempDir } from '../../support/tempDir.js';

const logger = pino({ level: 'silent' });

describe('store-nothing reactor on a real SQLite event store', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function openStore(): EventStore {
    const dir = makeTempDir('store-nothing');
    const store = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    cleanups.push(dir.remove, () => store.close());
    return store;
  }

  async function start(store: EventStore): Promise<Subscription> {
    const reactor = await startStoreNothingPurge({ eventStore: store, clock: systemClock, logger });
    cleanups.push(() => reactor.stop());
    return reactor;
  }

  /** A received fax under store-nothing with no delivery planned, up to its call's end. */
  async function receivedFax(store: EventStore, faxId: string, storeNothing = true): Promise<void> {
    const routed: FaxRoutedData = {
      faxId,
      tenantId: 't1',
      recipient: '+15551230000',
      documentId: `doc-${faxId}`,
      partial: false,
      endpointScope: 'none',
      deliveries: [],
      notifyEmails: [],
      privacy: { notifyDocument: 'attach', storeNothing },
    };
    await store.append(`fax-${faxId}`, [
      { type: 'FaxCallOffered', data: { faxId, callerNumber: '+15550001111' } },
      { type: 'FaxCallAnswered', data: { faxId, tenantId: 't1' } },
      { type: 'FaxReceived', data: { faxId, pages: 1, documentId: `doc-${faxId}` } },
      { type: 'FaxRouted', data: routed },
      { type: 'FaxCallEnded', data: { faxId } },
    ]);
  }

  const requestsOf = async (store: EventStore, faxId: string) => (await store.readStream(`fax-${faxId}`)).filter((event) => event.type === 'FaxPurgeRequested');

  async function eventually(check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!(await check()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  it('two runners at once (a lease hand-over) and a replay from the start ask for one purge per fax, and none for a fax that keeps', async () => {
    const store = openStore();
    const faxIds = Array.from({ length: 20 }, (_, index) => `f${index}`);
    for (const faxId of faxIds) await receivedFax(store, faxId);
    await receivedFax(store, 'kept', false);
    // Both start from no checkpoint: every fax is decided by both, side by side.
    const [first, second] = await Promise.all([start(store), start(store)]);
    await eventually(async () => (await Promise.all(faxIds.map((faxId) => requestsOf(store, faxId)))).every((requests) => requests.length > 0));
    await first.stop();
    await second.stop();
    // A restart that replays everything (its checkpoint lost).
    await store.checkpoints.save('store-nothing', 0);
    const replay = await start(store);
    await receivedFax(store, 'late');
    await eventually(async () => (await requestsOf(store, 'late')).length > 0);
    await replay.stop();

    for (const faxId of [...faxIds, 'late']) {
      const requests = await requestsOf(store, faxId);
      expect(requests.map((event) => event.data)).toEqual([expect.objectContaining({ faxId, tenantId: 't1', reason: 'storeNothing', by: { kind: 'system' } })]);
    }
    expect(await requestsOf(store, 'kept')).toEqual([]);
  });
  it("reads no fax's stream for the faxes whose plan it saw keep, and still decides one whose plan came before its start", async () => {
    const inner = openStore();
    const reads: string[] = [];
    const store: EventStore = Object.create(inner) as EventStore;
    store.readStream = (stream, options) => {
      reads.push(stream);
      return inner.readStream(stream, options);
    };
    // Routed before the reactor's start (its checkpoint just after the plan): only its stream can tell.
    await receivedFax(store, 'routed-before');
    const before = await inner.readStream('fax-routed-before');
    await inner.checkpoints.save('store-nothing', before.find((event) => event.type === 'FaxRouted')!.position);
    const callEnded = before.at(-1)!;
    await start(store);
    const keepers = Array.from({ length: 10 }, (_, index) => `keep${index}`);
    for (const faxId of keepers) {
      await receivedFax(store, faxId, false);
      await store.append(`fax-${faxId}`, [{ type: 'NotificationSent', data: { faxId } }]);
    }
    await receivedFax(store, 'marker');
    await eventually(async () => (await requestsOf(inner, 'marker')).length > 0 && (await requestsOf(inner, 'routed-before')).length > 0);

    expect(await requestsOf(inner, 'routed-before')).toHaveLength(1);
    expect(callEnded.type).toBe('FaxCallEnded');
    expect(reads.filter((stream) => stream.startsWith('fax-keep'))).toEqual([]);
    expect(reads).toContain('fax-routed-before');
    for (const faxId of keepers) expect(await requestsOf(inner, faxId)).toEqual([]);
  });
});
