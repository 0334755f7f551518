import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresEventStore } from '../../../src/adapters/eventStore/postgres/postgresEventStore.js';
import { EventStoreUnavailableError, type EventStore, type RecordedEvent } from '../../../src/ports/eventStore.js';
import { freePort } from '../../support/freePort.js';
import { createTestDatabase } from '../../support/postgresServer.js';
import { describeEventStoreConformance, waitFor } from './eventStoreConformance.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describeEventStoreConformance('postgres', () => ({ open: () => createPostgresEventStore({ connectionString: database.url }) }));

describe('PostgreSQL event store across instances', () => {
  it('lets a follower see every event of concurrent appenders on separate instances, none skipped or doubled, in position order', async () => {
    // Appenders in three "instances" (pools of their own) race; their transactions would commit out
    // of position order if positions were handed out before commit. The follower, on a fourth,
    // reads "after its last position" the whole time, as a reactor does.
    const stores: EventStore[] = await Promise.all([1, 2, 3, 4].map(() => createPostgresEventStore({ connectionString: database.url, poolSize: 4 })));
    const [follower, ...appenders] = stores as [EventStore, ...EventStore[]];
    try {
      const prefix = `late${Date.now()}-`;
      const seen: RecordedEvent[] = [];
      const subscription = follower.subscribeToAll({ streamPrefixes: [prefix], handler: (event) => void seen.push(event) });
      const perAppender = 150;
      await Promise.all(
        appenders.map(async (store, which) => {
          // Many small appends, several in flight at once per instance, to many streams.
          const batches = Array.from({ length: perAppender / 3 }, (_, index) => index);
          await Promise.all(
            [0, 1, 2].map(async (lane) => {
              for (const index of batches) await store.append(`${prefix}${which}-${lane}-${index % 7}`, [{ type: 'Tick', data: { which, lane, index } }]);
            }),
          );
        }),
      );
      const total = appenders.length * perAppender;
      await waitFor(() => seen.length >= total, 30_000);
      await subscription.stop();
      expect(seen).toHaveLength(total);
      const positions = seen.map((event) => event.position);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect(new Set(seen.map((event) => event.id)).size).toBe(total);
      const stored = await follower.readAll({ streamPrefixes: [prefix] });
      expect(seen.map((event) => event.id)).toEqual(stored.map((event) => event.id));
      // Positions are handed out without gaps: what the follower read is contiguous.
      expect(positions.at(-1)! - positions[0]!).toBe(total - 1);
    } finally {
      for (const store of stores) await store.close();
    }
  }, 60_000);

  it('refuses the second of two instances appending at the same expected revision', async () => {
    const [left, right] = await Promise.all([1, 2].map(() => createPostgresEventStore({ connectionString: database.url })));
    try {
      const stream = `fence${Date.now()}`;
      await left!.append(stream, [{ type: 'Queued', data: {} }], 'no_stream');
      const outcomes = await Promise.allSettled([
        left!.append(stream, [{ type: 'AttemptStarted', data: { by: 'left' } }], 0),
        right!.append(stream, [{ type: 'AttemptStarted', data: { by: 'right' } }], 0),
      ]);
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      expect((await left!.readStream(stream)).map((event) => event.type)).toEqual(['Queued', 'AttemptStarted']);
    } finally {
      await left!.close();
      await right!.close();
    }
  });

  it('keeps data and metadata exactly as written (json, not jsonb: key order and number forms stay)', async () => {
    const store = await createPostgresEventStore({ connectionString: database.url });
    try {
      const data = { z: 1, a: { y: [3, 2, 1], b: 'é ✓' }, n: null };
      await store.append(`exact${Date.now()}`, [{ type: 'Exact', data, metadata: { correlationId: 'c', z: 1, a: 2 } }]);
      const [event] = await store.readAll({ after: (await store.readAll()).at(-2)?.position ?? 0, streamPrefixes: ['exact'] });
      expect(JSON.stringify(event!.data)).toBe(JSON.stringify(data));
      expect(Object.keys(event!.metadata)).toEqual(['correlationId', 'z', 'a']);
    } finally {
      await store.close();
    }
  });
});

describe('PostgreSQL event store without a server', () => {
  it('reports a refused connection as EventStoreUnavailableError', async () => {
    const port = await freePort();
    await expect(createPostgresEventStore({ connectionString: `postgres://faxengine@127.0.0.1:${port}/postgres` })).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });
});
