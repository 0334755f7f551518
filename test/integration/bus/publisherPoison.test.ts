import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { createInProcessBus } from '../../../src/adapters/inProcessBus/inProcessBus.js';
import { createKafkaBus } from '../../../src/adapters/kafka/kafkaBus.js';
import { decodeFaxEventMessage } from '../../../src/domain/faxEventMessage.js';
import { PublishRejectedError, type BusMessage } from '../../../src/ports/bus.js';
import type { EventStore } from '../../../src/ports/eventStore.js';
import { createEventPublisher } from '../../../src/reactors/eventPublisher.js';
import { createParkedEventLog } from '../../../src/reactors/parkedEvents.js';
import { brokerStandIn } from './brokerStandIn.js';
import { testKafkaBrokers } from '../../support/kafkaBroker.js';
import { readTopicWithKcat } from '../../support/kafkaTopicReader.js';
import { makeTempDir } from '../../support/tempDir.js';
import { appendFaxHistory } from './faxEvents.js';

const logger = pino({ level: 'silent' });
const fast = { attemptsBeforeParking: 3, firstDelayMs: 10, maxDelayMs: 50 };

describe('event publisher and a fax event the bus refuses', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function openStore(): EventStore {
    const dir = makeTempDir('publisher-poison');
    const store = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    cleanups.push(dir.remove, () => store.close());
    return store;
  }

  it('parks the refused event, publishes the others in order, and moves the checkpoint past it', async () => {
    const store = openStore();
    const inner = createInProcessBus();
    cleanups.push(() => inner.close());
    const published: BusMessage[] = [];
    // Like Kafka's MESSAGE_TOO_LARGE: any batch holding the poison fax's event is refused as a whole.
    const bus = brokerStandIn(inner, async (name, messages) => {
      if (messages.some((message) => message.key === 'poison')) throw new PublishRejectedError('refused: MESSAGE_TOO_LARGE');
      published.push(...messages);
      await inner.publish(name, messages);
    });
    const topic = 'faxengine.fax-events';
    await appendFaxHistory(store, ['a', 'b'], 2);
    const { position: poisonAt } = await store.append('fax-poison', [{ type: 'FaxQueued', data: { huge: true } }]);
    const last = await appendFaxHistory(store, ['a', 'b'], 2);
    const parked = createParkedEventLog(store);
    const publisher = createEventPublisher({ eventStore: store, bus, topic, logger, parked, retry: fast });
    cleanups.push(() => publisher.stop());
    await publisher.start();

    await publisher.waitUntilPublished(last, 10_000);
    expect(published.map((message) => `${message.key}:${decodeFaxEventMessage(message.value).revision}`)).toEqual(['a:0', 'b:0', 'a:1', 'b:1', 'a:2', 'b:2', 'a:3', 'b:3']);
    expect(parked.all()).toMatchObject([{ reactor: `bus-publisher:${topic}`, stream: 'fax-poison', type: 'FaxQueued', position: poisonAt, attempts: 3, error: 'PublishRejectedError: refused: MESSAGE_TOO_LARGE' }]);
    expect((await store.readStream(`reactor-bus-publisher:${topic}`)).map((event) => event.type)).toEqual(['ReactorEventParked']);
  });

  it('on a real Kafka broker: a message over the size limit is parked, the rest reach the topic', async () => {
    const store = openStore();
    const [broker] = testKafkaBrokers();
    const bus = createKafkaBus({ brokers: [broker!], clientId: 'faxengine-poison-test', logger });
    const topic = `fax-events-${randomUUID()}`;
    const parked = createParkedEventLog(store);
    const publisher = createEventPublisher({ eventStore: store, bus, topic, topicOptions: { partitions: 1 }, logger, parked, retry: fast });
    cleanups.push(() => bus.close(), () => publisher.stop());
    await appendFaxHistory(store, ['a'], 2);
    await store.append('fax-huge', [{ type: 'FaxQueued', data: { note: 'x'.repeat(2_000_000) } }]);
    const last = await appendFaxHistory(store, ['a'], 2);
    await publisher.start();

    await publisher.waitUntilPublished(last, 60_000);
    const messages = await readTopicWithKcat(broker!, topic, 4);
    expect(messages.map((message) => decodeFaxEventMessage(message.payload).revision)).toEqual([0, 1, 2, 3]);
    expect(parked.all()).toMatchObject([{ stream: 'fax-huge', type: 'FaxQueued', error: expect.stringContaining('MESSAGE_TOO_LARGE') }]);
  }, 90_000);
});
