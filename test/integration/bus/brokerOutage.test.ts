import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { createKafkaBus } from '../../../src/adapters/kafka/kafkaBus.js';
import { decodeFaxEventMessage } from '../../../src/domain/faxEventMessage.js';
import { createEventPublisher } from '../../../src/reactors/eventPublisher.js';
import { startDedicatedBroker } from '../../support/kafkaBroker.js';
import { readTopicWithKcat } from '../../support/kafkaTopicReader.js';
import { makeTempDir } from '../../support/tempDir.js';
import { waitUntil } from './waitUntil.js';

const logger = pino({ level: 'silent' });
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('loses nothing when the broker is down for 30 s while faxes keep producing events', { timeout: 240_000 }, async () => {
  const dir = makeTempDir('broker-outage');
  cleanups.push(dir.remove);
  // A broker of its own: stopping the shared one would disturb the test files running beside this one.
  const broker = await startDedicatedBroker(join(dir.path, 'kafka'));
  cleanups.push(() => broker.stop());
  const store = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
  cleanups.push(() => store.close());
  const bus = createKafkaBus({ brokers: [broker.address], clientId: 'faxengine-outage-test', logger, sessionTimeoutMs: 6_000 });
  cleanups.push(() => bus.close());
  const topic = 'faxengine.fax-events';
  const publisher = createEventPublisher({ eventStore: store, bus, topic, logger });
  cleanups.push(() => publisher.stop());
  await publisher.start();

  const consumed = new Set<string>();
  await bus.subscribe({
    topic,
    group: 'faxengine-notifiers',
    fromBeginning: true,
    handler: async (message) => void consumed.add(decodeFaxEventMessage(message.value).eventId),
  });

  const faxIds = Array.from({ length: 10 }, () => randomUUID());
  const appended: string[] = [];
  let appending = true;
  const appender = (async () => {
    for (let index = 0; appending; index++) {
      const id = randomUUID();
      await store.append(`fax-${faxIds[index % faxIds.length]}`, [{ id, type: 'FaxPageTransferred', data: { index } }]);
      appended.push(id);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();

  await waitUntil(() => publisher.checkpoint > 0 && consumed.size > 0, 30_000);
  await broker.stop();
  const checkpointWhenStopped = publisher.checkpoint;
  await new Promise((resolve) => setTimeout(resolve, 30_000));
  const appendedDuringOutage = appended.length;
  await broker.start();
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  appending = false;
  await appender;

  const head = (await store.readAll({ after: 0 })).at(-1)!.position;
  expect(appendedDuringOutage).toBeGreaterThan(500);
  expect(checkpointWhenStopped).toBeLessThan(head);
  await publisher.waitUntilPublished(head, 90_000);
  expect(await store.checkpoints.load(`bus-publisher:${topic}`)).toBe(head);
  await waitUntil(() => consumed.size >= appended.length, 90_000, () => `(consumed ${consumed.size} of ${appended.length})`);
  expect(consumed).toEqual(new Set(appended));

  const onTopic = await readTopicWithKcat(broker.address, topic, appended.length);
  expect(new Set(onTopic.map((message) => decodeFaxEventMessage(message.payload).eventId))).toEqual(new Set(appended));
});
