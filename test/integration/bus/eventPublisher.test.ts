import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { createKafkaBus } from '../../../src/adapters/kafka/kafkaBus.js';
import { decodeFaxEventMessage } from '../../../src/domain/faxEventMessage.js';
import type { Bus } from '../../../src/ports/bus.js';
import type { EventStore } from '../../../src/ports/eventStore.js';
import { createEventPublisher, type EventPublisher } from '../../../src/reactors/eventPublisher.js';
import { testKafkaBrokers } from '../../support/kafkaBroker.js';
import { readTopicWithKcat } from '../../support/kafkaTopicReader.js';
import { makeTempDir } from '../../support/tempDir.js';
import { appendFaxHistory } from './faxEvents.js';

const logger = pino({ level: 'silent' });

describe('event publisher on a real Kafka broker', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function setUp(): { store: EventStore; bus: Bus; topic: string; broker: string; publisher: EventPublisher } {
    const dir = makeTempDir('publisher');
    const store = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    const [broker] = testKafkaBrokers();
    const bus = createKafkaBus({ brokers: [broker!], clientId: 'faxengine-publisher-test', logger });
    const topic = `fax-events-${randomUUID()}`;
    const publisher = createEventPublisher({ eventStore: store, bus, topic, topicOptions: { partitions: 3 }, logger });
    cleanups.push(dir.remove, () => store.close(), () => bus.close(), () => publisher.stop());
    return { store, bus, topic, broker: broker!, publisher };
  }

  it('puts every fax event on the topic, keyed by fax, in order per fax, and checkpoints after the ack', async () => {
    const { store, topic, broker, publisher } = setUp();
    const faxIds: string[] = Array.from({ length: 12 }, () => randomUUID());
    const before = await appendFaxHistory(store, faxIds.slice(0, 6), 5);
    await publisher.start();
    const last = await appendFaxHistory(store, faxIds, 5);
    await publisher.waitUntilPublished(last, 20_000);

    const messages = await readTopicWithKcat(broker, topic, 90);
    expect(messages).toHaveLength(90);
    const revisionsByFax = new Map<string, number[]>();
    for (const message of messages) {
      const decoded = decodeFaxEventMessage(message.payload);
      expect(message.key).toBe(decoded.faxId);
      revisionsByFax.set(decoded.faxId, [...(revisionsByFax.get(decoded.faxId) ?? []), decoded.revision]);
    }
    expect([...revisionsByFax.keys()].sort()).toEqual([...faxIds].sort());
    for (const [faxId, revisions] of revisionsByFax) {
      const expected = faxIds.indexOf(faxId) < 6 ? 10 : 5;
      expect(revisions).toEqual(Array.from({ length: expected }, (_, revision) => revision));
    }
    expect(before).toBeLessThan(last);
    expect(await store.checkpoints.load(`bus-publisher:${topic}`)).toBe(last);
    expect(publisher.checkpoint).toBe(last);
  });

  it('writes messages that kcat, a different client, reads and parses by the documented format', async () => {
    const { store, topic, broker, publisher } = setUp();
    await publisher.start();
    const faxId = randomUUID();
    await store.append(`fax-${faxId}`, [
      { type: 'FaxQueued', data: { to: '+15551234567', tenantId: 'from-data' }, metadata: { tenantId: 'acme', correlationId: 'c-1' } },
      { type: 'FaxDialing', data: { tenantId: 'from-data' } },
      { type: 'FaxFailed', data: { reason: 'busy' } },
    ]);
    const [stored] = await store.readStream(`fax-${faxId}`);
    await publisher.waitUntilPublished(stored!.position + 2);

    const messages = await readTopicWithKcat(broker, topic, 3);
    expect(messages.map((message) => message.headers)).toEqual([
      { 'faxengine-event-type': 'FaxQueued', 'faxengine-schema-version': '1' },
      { 'faxengine-event-type': 'FaxDialing', 'faxengine-schema-version': '1' },
      { 'faxengine-event-type': 'FaxFailed', 'faxengine-schema-version': '1' },
    ]);
    expect(new Set(messages.map((message) => message.partition)).size).toBe(1);
    const values = messages.map((message) => JSON.parse(message.payload) as Record<string, unknown>);
    expect(values[0]).toEqual({
      schemaVersion: 1,
      eventId: stored!.id,
      type: 'FaxQueued',
      faxId,
      tenantId: 'acme',
      time: stored!.created,
      position: stored!.position,
      revision: 0,
      data: { to: '+15551234567', tenantId: 'from-data' },
      metadata: { tenantId: 'acme', correlationId: 'c-1' },
    });
    expect(values.map((value) => [value.type, value.tenantId, value.revision])).toEqual([
      ['FaxQueued', 'acme', 0],
      ['FaxDialing', 'from-data', 1],
      ['FaxFailed', null, 2],
    ]);
    expect(messages.every((message) => message.key === faxId)).toBe(true);
  });

  it('resumes from its checkpoint after a restart without skipping', async () => {
    const { store, bus, topic, broker, publisher } = setUp();
    const faxIds = [randomUUID(), randomUUID()];
    await publisher.start();
    const first = await appendFaxHistory(store, faxIds, 3);
    await publisher.waitUntilPublished(first);
    await publisher.stop();

    const second = await appendFaxHistory(store, faxIds, 3);
    const restarted = createEventPublisher({ eventStore: store, bus, topic, logger });
    cleanups.push(() => restarted.stop());
    await restarted.start();
    await restarted.waitUntilPublished(second);

    const messages = await readTopicWithKcat(broker, topic, 12);
    expect(messages).toHaveLength(12);
  });
});
