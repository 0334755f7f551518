import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createKurrentDbEventStore } from '../../../src/adapters/eventStore/kurrentdb/kurrentDbEventStore.js';
import { EventStoreUnavailableError } from '../../../src/ports/eventStore.js';
import { describeEventStoreConformance } from './eventStoreConformance.js';
import { openProtectedEventStore } from '../../../src/adapters/eventStore/personalData/openProtectedEventStore.js';
import { testKeyRing } from '../../support/personalDataFixtures.js';
import { freePort } from '../../support/freePort.js';

// No KurrentDB server can run on the project's build machines; set KURRENTDB_URL
// (e.g. kurrentdb://127.0.0.1:2113?tls=false) to run the full conformance suite, leases included,
// against one. test/unit/adapters/kurrentDb runs the same suites over an in-memory client stand-in.
const url = process.env.KURRENTDB_URL;
describe.runIf(Boolean(url))('KurrentDB adapter against a live server', () => {
  describeEventStoreConformance('kurrentdb', () => ({ open: async () => createKurrentDbEventStore({ connectionString: url! }) }));
  const ring = testKeyRing();
  describeEventStoreConformance('kurrentdb with personal data sealed', () => ({ open: async () => (await openProtectedEventStore(url!, ring)).eventStore }));

  // What the adapter assumes of the server (kurrentDbPositions.ts), checked where a server exists.
  it('gives every event its own position, the same in readStream and readAll, and answers an append with its last event', async () => {
    const store = createKurrentDbEventStore({ connectionString: url! });
    const stream = `positions${randomUUID().replaceAll('-', '')}`;
    try {
      const single = await store.append(stream, [{ type: 'One', data: {} }], 'no_stream');
      const several = await store.append(stream, [1, 2, 3].map((index) => ({ type: 'Many', data: { index } })), 0);
      const fromStream = (await store.readStream(stream)).map((event) => event.position);
      const fromAll = (await store.readAll({ streamPrefixes: [stream] })).map((event) => event.position);
      expect(fromStream).toEqual(fromAll);
      expect(new Set(fromStream).size).toBe(4);
      expect([...fromStream].sort((a, b) => a - b)).toEqual(fromStream);
      expect(single.position).toBe(fromStream[0]);
      expect(several.position).toBe(fromStream[3]);
      expect((await store.readAll({ after: fromStream[1]!, streamPrefixes: [stream] })).map((event) => event.position)).toEqual(fromStream.slice(2));
    } finally {
      await store.close();
    }
  });

  it('keeps one event in a checkpoint stream ($maxCount 1)', async () => {
    const store = createKurrentDbEventStore({ connectionString: url! });
    const name = `cp${randomUUID().replaceAll('-', '')}`;
    try {
      for (let position = 1; position <= 3; position++) await store.checkpoints.save(name, position);
      expect(await store.readStream(`checkpoint-${name}`)).toHaveLength(1);
      expect(await store.checkpoints.load(name)).toBe(3);
    } finally {
      await store.close();
    }
  });
});

describe('KurrentDB adapter without a server', () => {
  it('reports a refused connection as EventStoreUnavailableError', async () => {
    const port = await freePort();
    const store = createKurrentDbEventStore({ connectionString: `kurrentdb://127.0.0.1:${port}?tls=false&defaultDeadline=3000&maxDiscoverAttempts=1` });
    try {
      await expect(store.ping()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    } finally {
      await store.close();
    }
  });
});
