import { describe, expect, it } from 'vitest';
import { createKurrentDbEventStore } from '../../../../src/adapters/eventStore/kurrentdb/kurrentDbEventStore.js';
import { createLiveSignal } from '../../../../src/adapters/eventStore/kurrentdb/kurrentDbLiveSignal.js';
import { positionOfEvent, readAllFrom } from '../../../../src/adapters/eventStore/kurrentdb/kurrentDbPositions.js';
import type { RecordedEvent } from '../../../../src/ports/eventStore.js';
import { describeEventStoreConformance, waitFor } from '../../../integration/eventStore/eventStoreConformance.js';
import { createFakeKurrentDbClient } from './fakeKurrentDbClient.js';

// No KurrentDB server runs here: these run the adapter over an in-memory stand-in of the client
// (fakeKurrentDbClient.ts says what it models). test/integration/eventStore/kurrentDbEventStore.test.ts
// runs the same conformance suite against a real server when KURRENTDB_URL is set.
const openOver = (fake: ReturnType<typeof createFakeKurrentDbClient>, extra: { onConnectionError?: (error: unknown) => void } = {}) =>
  createKurrentDbEventStore({ connectionString: 'kurrentdb://unused', client: fake.client, onConnectionError: extra.onConnectionError ?? (() => undefined) });

describe('KurrentDB positions', () => {
  it('uses the prepare position, resumes a read at the event itself, and refuses an explicit transaction in $all', () => {
    expect(positionOfEvent({ commit: 1200n, prepare: 1300n }, 'stream')).toBe(1300);
    expect(positionOfEvent({ commit: 1300n, prepare: 1300n }, 'all')).toBe(1300);
    expect(() => positionOfEvent({ commit: 1500n, prepare: 1300n }, 'all')).toThrow(/explicit transaction/);
    expect(readAllFrom(1300)).toEqual({ commit: 1300n, prepare: 1300n });
    expect(readAllFrom(0)).toBe('start');
  });

  it('gives each event of a multi-event append its own position, the same in readStream and readAll, and answers the last', async () => {
    const store = openOver(createFakeKurrentDbClient());
    const result = await store.append('fax-1', [1, 2, 3].map((index) => ({ type: 'Thing', data: { index } })), 'no_stream');
    await store.append('fax-2', [{ type: 'Thing', data: {} }]);
    const fromStream = (await store.readStream('fax-1')).map((event) => event.position);
    const fromAll = (await store.readAll({ streamPrefixes: ['fax-1'] })).map((event) => event.position);
    expect(new Set(fromStream).size).toBe(3);
    expect(fromStream).toEqual(fromAll);
    expect(result.position).toBe(fromStream[2]);
    const afterFirst = await store.readAll({ after: fromAll[0]!, streamPrefixes: ['fax-'] });
    expect(afterFirst.map((event) => event.data)).toEqual([{ index: 2 }, { index: 3 }, {}]);
    await store.close();
  });
});

describe('KurrentDB checkpoints', () => {
  it('keeps only the latest checkpoint event ($maxCount 1 on checkpoint-<name>)', async () => {
    const fake = createFakeKurrentDbClient();
    const store = openOver(fake);
    for (let position = 1; position <= 5; position++) await store.checkpoints.save('relay', position);
    expect(fake.metadata.get('checkpoint-relay')?.maxCount).toBe(1);
    expect(await store.readStream('checkpoint-relay')).toHaveLength(1);
    expect(await store.checkpoints.load('relay')).toBe(5);
    await store.close();
  });
});

describe('KurrentDB live subscription failures', () => {
  it('keeps delivering after the live subscription fails, reports the failure, and reopens it', async () => {
    const fake = createFakeKurrentDbClient();
    const failures: unknown[] = [];
    const store = openOver(fake, { onConnectionError: (error) => failures.push(error) });
    const seen: RecordedEvent[] = [];
    const errors: unknown[] = [];
    let caughtUp = false;
    const subscription = store.subscribeToAll({ streamPrefixes: ['fax-'], handler: (event) => void seen.push(event), onError: (error) => errors.push(error), onCaughtUp: () => (caughtUp = true) });
    await waitFor(() => caughtUp);
    await store.append('fax-1', [{ type: 'Before', data: {} }]);
    await waitFor(() => seen.length === 1);

    fake.breakLive(true); // the server drops the subscription and refuses new ones for a while
    await store.append('fax-1', [{ type: 'WhileDown', data: {} }]);
    await waitFor(() => failures.length >= 2, 10_000);
    fake.heal();
    await waitFor(() => seen.length === 2, 10_000);
    await store.append('fax-1', [{ type: 'AfterReopen', data: {} }]);
    await waitFor(() => seen.length === 3, 10_000);
    expect(seen.map((event) => event.type)).toEqual(['Before', 'WhileDown', 'AfterReopen']);
    expect(errors).toEqual([]); // a transient failure is not the end of the subscription
    await subscription.stop();
    await store.close();
  });
});

// The whole port contract, and the leases, over the stand-in: two stores over one fake are two instances.
describe('over the in-memory client stand-in', () => {
  let fake = createFakeKurrentDbClient();
  describeEventStoreConformance('kurrentdb (in-memory client stand-in)', () => ({
    open: async () => openOver(fake),
    cleanup: async () => void (fake = createFakeKurrentDbClient()),
  }));
});

describe('KurrentDB live signal', () => {
  it('retries with back-off when opening the subscription itself throws, waking the reader at each retry', async () => {
    const failures: unknown[] = [];
    let opens = 0;
    const signal = createLiveSignal({
      open: () => {
        opens += 1;
        if (opens < 3) throw new Error('client disposed');
        return { on: () => undefined, unsubscribe: async () => undefined };
      },
      onFailure: (error) => failures.push(error),
      retryDelayMs: () => 10,
    });
    const since = signal.appendCount();
    await signal.waitForAppend(since); // a failure wakes the reader, so it reads (and meets the error) itself
    await waitFor(() => opens === 3);
    expect(failures.map((error) => (error as Error).message)).toEqual(['client disposed', 'client disposed']);
    await signal.stop();
  });
});
