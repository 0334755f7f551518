// The bus publisher against the real Kafka broker. Run: npx tsx test/bench/publisher.ts
// (after `bash test/kafka/start.sh`, or with FAXENGINE_TEST_KAFKA_BROKERS set).
// Prints one JSON object as its last line: publishEventsPerSec (event store → broker, acknowledged
// and checkpointed; target ≥ 10,000) and endToEndP99Ms (append → a consumer-group handler on the
// Bus port, at 1,000 events/s; target < 100). The notifiers will be such handlers.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import pino from 'pino';
import { createSqliteEventStore } from '../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { createKafkaBus } from '../../src/adapters/kafka/kafkaBus.js';
import { decodeFaxEventMessage } from '../../src/domain/faxEventMessage.js';
import type { Bus } from '../../src/ports/bus.js';
import type { EventStore } from '../../src/ports/eventStore.js';
import { createEventPublisher } from '../../src/reactors/eventPublisher.js';
import { testKafkaBrokers } from '../support/kafkaBroker.js';
import { makeTempDir } from '../support/tempDir.js';

const BACKLOG_FAXES = 1_000;
const BACKLOG_EVENTS_PER_FAX = 100; // 100,000 events
const LIVE_RATE_PER_SEC = 1_000;
const LIVE_SECONDS = 15;
const logger = pino({ level: 'warn' });

const faxEvent = (faxId: string, index: number, sentAt?: number) => ({
  type: 'FaxPageTransferred',
  data: { page: index % 20, resolution: '204x196', badRows: 0, encoding: 'T.4 2D', sentAt },
  metadata: { tenantId: 'bench', correlationId: `corr-${faxId}` },
});

/** A backlog in the store, then a publisher from position 0: events per second until acknowledged. */
async function publishThroughput(store: EventStore, bus: Bus): Promise<{ events: number; perSec: number }> {
  const faxIds = Array.from({ length: BACKLOG_FAXES }, () => randomUUID());
  for (let round = 0; round < BACKLOG_EVENTS_PER_FAX / 10; round++) {
    await Promise.all(faxIds.map((faxId) => store.append(`fax-${faxId}`, Array.from({ length: 10 }, (_, index) => faxEvent(faxId, index)))));
  }
  const head = await lastPosition(store);
  const publisher = createEventPublisher({ eventStore: store, bus, topic: `bench-throughput-${randomUUID()}`, logger });
  const started = process.hrtime.bigint();
  await publisher.start();
  await publisher.waitUntilPublished(head, 300_000);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await publisher.stop();
  return { events: BACKLOG_FAXES * BACKLOG_EVENTS_PER_FAX, perSec: Math.round((BACKLOG_FAXES * BACKLOG_EVENTS_PER_FAX) / seconds) };
}

/** Appends at a steady rate while a consumer group measures append → handler latency. */
async function endToEndLatency(store: EventStore, bus: Bus): Promise<{ events: number; p50: number; p99: number; max: number }> {
  const topic = `bench-latency-${randomUUID()}`;
  const publisher = createEventPublisher({ eventStore: store, bus, topic, logger });
  await publisher.start();
  const latencies: number[] = [];
  const subscription = await bus.subscribe({
    topic,
    group: 'faxengine-notifiers',
    handler: async (message) => {
      const { data } = decodeFaxEventMessage(message.value);
      latencies.push(now() - (data as { sentAt: number }).sentAt);
    },
  });
  const faxIds = Array.from({ length: 50 }, () => randomUUID());
  const total = LIVE_RATE_PER_SEC * LIVE_SECONDS;
  const start = now();
  for (let sent = 0; sent < total; ) {
    // Catch up to the schedule (one event per millisecond), then sleep a tick.
    const due = Math.min(total, Math.floor((now() - start) * (LIVE_RATE_PER_SEC / 1000)) + 1);
    const appends: Array<Promise<unknown>> = [];
    for (; sent < due; sent++) {
      const faxId = faxIds[sent % faxIds.length]!;
      appends.push(store.append(`fax-${faxId}`, [faxEvent(faxId, sent, now())]));
    }
    await Promise.all(appends);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const deadline = Date.now() + 60_000;
  while (latencies.length < total && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  await subscription.stop();
  await publisher.stop();
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (quantile: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * quantile))]! * 10) / 10;
  if (latencies.length < total) throw new Error(`only ${latencies.length} of ${total} events reached the consumer`);
  return { events: latencies.length, p50: at(0.5), p99: at(0.99), max: at(1) };
}

async function lastPosition(store: EventStore): Promise<number> {
  let after = 0;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 50_000 });
    if (page.length === 0) return after;
    after = page.at(-1)!.position;
  }
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

const dir = makeTempDir('bench-publisher');
const brokers = testKafkaBrokers();
const bus = createKafkaBus({ brokers, clientId: 'faxengine-bench', logger });
try {
  const throughputStore = createSqliteEventStore({ path: join(dir.path, 'throughput.sqlite') });
  const throughput = await publishThroughput(throughputStore, bus);
  await throughputStore.close();
  const latencyStore = createSqliteEventStore({ path: join(dir.path, 'latency.sqlite') });
  const latency = await endToEndLatency(latencyStore, bus);
  await latencyStore.close();
  console.log(`publish: ${throughput.events} events from the event store to Kafka at ${throughput.perSec}/s`);
  console.log(`end to end at ${LIVE_RATE_PER_SEC}/s (append → consumer-group handler): p50 ${latency.p50} ms, p99 ${latency.p99} ms, max ${latency.max} ms`);
  console.log(
    JSON.stringify({
      publishEventsPerSec: throughput.perSec,
      endToEndP99Ms: latency.p99,
      endToEndP50Ms: latency.p50,
      endToEndMeasuredTo: 'consumer-group handler on the Bus port (Kafka)',
      brokers,
    }),
  );
} finally {
  await bus.close();
  dir.remove();
}
