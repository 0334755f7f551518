// Event store throughput of the SQLite and PostgreSQL adapters.
// Run: npx tsx test/bench/eventStore.ts [--store sqlite|postgres|all]   (PostgreSQL: the test
// server of test/postgres/start.sh, or FAXENGINE_TEST_POSTGRES_URL; a database of its own.)
// Prints one JSON object per store (targets on a 2-core machine: batch appends ≥ 20,000/s,
// read-all ≥ 150,000/s for SQLite, catch-up ≥ 100,000/s).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore.js';
import { createSqliteEventStore } from '../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import type { EventStore } from '../../src/ports/eventStore.js';
import { createTestDatabase } from '../support/postgresServer.js';
import { makeTempDir } from '../support/tempDir.js';

const { values: args } = parseArgs({ options: { store: { type: 'string', default: 'all' } } });

const STREAMS = 1000;
const BATCH = 10;
const ROUNDS = 10; // 1,000 streams × 10 rounds × 10 events = 100,000 events
const CONCURRENT_WRITERS = 100;
const SINGLE_APPENDS = 5000;

const faxLikeEvent = (index: number) => ({
  type: 'FaxPageTransferred',
  data: { faxId: `fax-${index}`, page: index % 20, resolution: '204x196', badRows: 0, encoding: 'T.4 2D' },
  metadata: { correlationId: `corr-${index}`, causationId: `cause-${index}` },
});

async function timed(work: () => Promise<number>): Promise<number> {
  const start = process.hrtime.bigint();
  const count = await work();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return Math.round(count / seconds);
}

/** Batches of 10 events to 1,000 streams, with writers appending concurrently (as a busy server does). */
async function batchAppends(store: EventStore): Promise<number> {
  let next = 0;
  const total = STREAMS * ROUNDS;
  const writer = async () => {
    for (let job = next++; job < total; job = next++) {
      const stream = `fax-${job % STREAMS}`;
      await store.append(stream, Array.from({ length: BATCH }, (_, index) => faxLikeEvent(job * BATCH + index)));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENT_WRITERS }, writer));
  return total * BATCH;
}

/** One event per append, one writer at a time: the worst case, one fsync per event. */
async function singleAppends(store: EventStore): Promise<number> {
  for (let index = 0; index < SINGLE_APPENDS; index++) await store.append(`single-${index % 100}`, [faxLikeEvent(index)]);
  return SINGLE_APPENDS;
}

async function readAllEvents(store: EventStore): Promise<number> {
  let after = 0;
  let count = 0;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 1000 });
    if (page.length === 0) return count;
    count += page.length;
    after = page.at(-1)!.position;
  }
}

async function catchUp(store: EventStore, total: number): Promise<number> {
  let seen = 0;
  await new Promise<void>((resolve) => {
    const subscription = store.subscribeToAll({
      handler: () => {
        seen += 1;
      },
      onCaughtUp: () => void subscription.stop().then(resolve),
    });
  });
  if (seen !== total) throw new Error(`catch-up delivered ${seen} of ${total}`);
  return seen;
}

async function measure(name: string, store: EventStore, note: string): Promise<void> {
  const batchAppendEventsPerSec = await timed(() => batchAppends(store));
  const singleAppendEventsPerSec = await timed(() => singleAppends(store));
  const totalEvents = await readAllEvents(store);
  const readAllEventsPerSec = await timed(() => readAllEvents(store));
  const catchUpEventsPerSec = await timed(() => catchUp(store, totalEvents));
  console.log(`${name}: events in store: ${totalEvents}; ${note}; ${CONCURRENT_WRITERS} concurrent writers`);
  console.log(JSON.stringify({ store: name, batchAppendEventsPerSec, singleAppendEventsPerSec, readAllEventsPerSec, catchUpEventsPerSec }));
}

if (args.store === 'sqlite' || args.store === 'all') {
  const dir = makeTempDir('bench-es');
  const store = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
  try {
    await measure('sqlite', store, 'durable appends (WAL fsynced before each append resolves)');
  } finally {
    await store.close();
    dir.remove();
  }
}
if (args.store === 'postgres' || args.store === 'all') {
  const database = await createTestDatabase();
  const store = await createPostgresEventStore({ connectionString: database.url });
  try {
    await measure('postgres', store, 'durable appends (committed with synchronous_commit on)');
  } finally {
    await store.close();
    await database.drop();
  }
}
