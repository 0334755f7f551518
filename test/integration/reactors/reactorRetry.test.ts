import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import type { FaxRoutedData } from '../../../src/domain/fax/deliveryPlan.js';
import type { DocumentStore, StoredDocument } from '../../../src/ports/documentStore.js';
import { EventStoreUnavailableError, type EventStore, type RecordedEvent, type Subscription } from '../../../src/ports/eventStore.js';
import { relayFaxIdOf, startFaxRelay } from '../../../src/reactors/faxRelay.js';
import { createParkedEventLog } from '../../../src/reactors/parkedEvents.js';
import { startReactorSubscription } from '../../../src/reactors/reactorSubscription.js';
import { startStationKnowledge } from '../../../src/reactors/stationLearning.js';
import { startStationReadModel } from '../../support/stationReadModel.js';
import { makeTempDir } from '../../support/tempDir.js';

const logger = pino({ level: 'silent' });
const fast = { attemptsBeforeParking: 3, firstDelayMs: 10, maxDelayMs: 50 };

/** Polls until `check` holds or 10 s passed; the caller asserts afterwards. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('reactors that fail: retry, park, go on', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function openStore(dir = makeTempDir('reactors')): { store: EventStore; dir: string } {
    const store = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    cleanups.push(dir.remove, () => store.close());
    return { store, dir: dir.path };
  }

  /** A received fax whose plan sends it on to a gateway, up to its call's end (what the relay reacts to). */
  async function receivedFaxForGateway(store: EventStore, faxId: string): Promise<void> {
    const routed: FaxRoutedData = {
      faxId,
      tenantId: 't1',
      recipient: '+15551230000',
      documentId: `doc-${faxId}`,
      partial: false,
      endpointScope: 'number',
      deliveries: [{ endpointId: 'e1', kind: 'gateway', priority: 1, gateway: 'pbx1' }],
      notifyEmails: [],
    };
    await store.append(`fax-${faxId}`, [
      { type: 'FaxCallOffered', data: { faxId, callerNumber: '+15550001111' } },
      { type: 'FaxRouted', data: routed },
      { type: 'FaxCallEnded', data: { faxId } },
    ]);
  }

  /** Documents that exist for every id; `get` fails as `failing(id, call)` says. */
  function documents(failing: (id: string, call: number) => boolean): DocumentStore & { calls: Map<string, number> } {
    const calls = new Map<string, number>();
    return {
      calls,
      async get(id) {
        const call = (calls.get(id) ?? 0) + 1;
        calls.set(id, call);
        if (failing(id, call)) throw new Error(`disk hiccup reading ${id}`);
        return { id, sha256: id, bytes: 100, contentType: 'image/tiff', pages: 1 } satisfies StoredDocument;
      },
      putTiff: () => Promise.reject(new Error('not used')),
      read: () => Promise.reject(new Error('not used')),
      openPlainFile: () => Promise.reject(new Error('not used')),
      withPlainFile: () => Promise.reject(new Error('not used')),
      remove: () => Promise.reject(new Error('not used')),
    };
  }

  const relayLookups = { pageFormatOf: async () => ({ resolution: 'fine', pageSize: 'letter' }) as const, callerIdOf: () => undefined };

  async function relay(store: EventStore, docs: DocumentStore): Promise<Subscription> {
    const subscription = await startFaxRelay({ eventStore: store, documents: docs, queued: () => undefined, clock: { now: () => new Date() }, logger, ...relayLookups, retry: fast });
    cleanups.push(() => subscription.stop());
    return subscription;
  }
  const relayed = async (store: EventStore, faxId: string) => (await store.readStream(`fax-${relayFaxIdOf(faxId)}`)).length > 0;

  it('retries a handler that throws once, and it succeeds', async () => {
    const { store } = openStore();
    await relay(store, documents((id, call) => id === 'doc-a' && call === 1));
    await receivedFaxForGateway(store, 'a');
    await receivedFaxForGateway(store, 'b');

    for (const faxId of ['a', 'b']) {
      await eventually(() => relayed(store, faxId));
      expect(await relayed(store, faxId)).toBe(true);
    }
    expect(await store.readStream('reactor-fax-relay')).toEqual([]);
  });

  it('parks an event its handler always fails on, durably, goes on with the next, and does not try it again after a restart', async () => {
    const dir = makeTempDir('reactors-park');
    const { store } = openStore(dir);
    const docs = documents((id) => id === 'doc-poison');
    const first = await relay(store, docs);
    await receivedFaxForGateway(store, 'poison');
    await receivedFaxForGateway(store, 'next');

    await eventually(() => relayed(store, 'next'));
    expect(await relayed(store, 'next')).toBe(true);
    expect(await relayed(store, 'poison')).toBe(false);
    const parked = await store.readStream('reactor-fax-relay');
    const ended = (await store.readStream('fax-poison')).find((event) => event.type === 'FaxCallEnded')!;
    expect(parked.map((event) => event.data)).toEqual([
      { reactor: 'fax-relay', eventId: ended.id, stream: 'fax-poison', type: 'FaxCallEnded', position: ended.position, revision: 2, attempts: 3, error: 'Error: disk hiccup reading doc-poison' },
    ]);
    expect(docs.calls.get('doc-poison')).toBe(3);

    // A restart, even from before the checkpoint moved (a crash right after parking): never tried again.
    await first.stop();
    await store.checkpoints.save('fax-relay', 0);
    const log = createParkedEventLog(store);
    await startFaxRelay({ eventStore: store, documents: docs, queued: () => undefined, clock: { now: () => new Date() }, logger, ...relayLookups, retry: fast, parked: log }).then((s) => cleanups.push(() => s.stop()));
    await receivedFaxForGateway(store, 'later');
    await eventually(() => relayed(store, 'later'));
    expect(await relayed(store, 'later')).toBe(true);
    expect(docs.calls.get('doc-poison')).toBe(3);
    expect(log.all()).toMatchObject([{ reactor: 'fax-relay', eventId: ended.id, stream: 'fax-poison', type: 'FaxCallEnded' }]);
  });

  it('station learning re-reads the station stream and learns when another writer appended in between', async () => {
    const { store, dir } = openStore();
    const station = '+15557654321';
    // Another writer (an administrator) appends to the station stream just after the learner read it, once.
    let interfered = false;
    const racing: EventStore = Object.assign(Object.create(store) as EventStore, {
      readStream: async (stream: string, options?: Parameters<EventStore['readStream']>[1]) => {
        const events = await store.readStream(stream, options);
        if (stream === `station-${station}` && !interfered) {
          interfered = true;
          await store.append(stream, [{ type: 'StationFallbackEnabled', data: { station, reason: 'set by an administrator', by: 'admin', at: new Date().toISOString() } }]);
        }
        return events;
      },
    });
    const readModel = await startStationReadModel(store, dir, logger);
    cleanups.push(() => readModel.close());
    const knowledge = await startStationKnowledge({ eventStore: racing, readModels: readModel.runner, policy: { troublesBeforeFallback: 2, cleanAudioFaxesBeforeRetry: 3 }, toE164: (raw) => raw, logger, retry: fast });
    cleanups.push(() => knowledge.stop());

    const failedWithT38 = (faxId: string) => ({ faxId, to: station, attempt: 1, t38Enabled: true, negotiations: 2, badRows: 0, t30Code: 48 });
    await store.append('fax-one', [{ type: 'FaxSendAttemptFailed', data: failedWithT38('one') }]);
    await store.append('fax-two', [{ type: 'FaxSendAttemptFailed', data: failedWithT38('two') }]);

    const lessons = async () => (await store.readStream(`station-${station}`)).map((event) => [event.type, (event.data as { faxId?: string }).faxId]);
    await eventually(async () => (await lessons()).length >= 3);
    expect(interfered).toBe(true);
    expect(await lessons()).toEqual([
      ['StationFallbackEnabled', undefined],
      ['StationT38Trouble', 'one/attempt-1'],
      ['StationT38Trouble', 'two/attempt-1'],
    ]);
    expect(await store.readStream('reactor-station-learning')).toEqual([]);
  });

  it('waits out an unreachable event store without parking, and starts a failed subscription again', async () => {
    const { store } = openStore();
    // The first subscription fails on a read, as a store with a full disk would.
    let subscriptions = 0;
    const flaky: EventStore = Object.assign(Object.create(store) as EventStore, {
      subscribeToAll: (options: Parameters<EventStore['subscribeToAll']>[0]) => {
        if (++subscriptions > 1) return store.subscribeToAll(options);
        setTimeout(() => options.onError?.(new Error('disk I/O error')), 5);
        return { lastPosition: 0, stop: async () => undefined };
      },
    });
    const handled: string[] = [];
    let unavailable = 0;
    const subscription = await startReactorSubscription({
      name: 'test-reactor',
      eventStore: flaky,
      after: 0,
      streamPrefixes: ['fax-'],
      handle: (event: RecordedEvent) => {
        // More failures than attemptsBeforeParking, but all of them "store unreachable".
        if (event.stream === 'fax-one' && unavailable++ < 5) throw new EventStoreUnavailableError('event store unreachable');
        handled.push(event.stream);
      },
      parked: createParkedEventLog(store),
      logger,
      retry: fast,
    });
    cleanups.push(() => subscription.stop());
    await store.append('fax-one', [{ type: 'FaxQueued', data: {} }]);
    await store.append('fax-two', [{ type: 'FaxQueued', data: {} }]);

    await eventually(async () => handled.length >= 2);
    expect(handled).toEqual(['fax-one', 'fax-two']);
    expect(subscriptions).toBe(2);
    expect(await store.readStream('reactor-test-reactor')).toEqual([]);
  });
});
