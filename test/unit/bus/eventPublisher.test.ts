import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { createInProcessBus } from '../../../src/adapters/inProcessBus/inProcessBus.js';
import { decodeFaxEventMessage } from '../../../src/domain/faxEventMessage.js';
import type { Bus, BusMessage } from '../../../src/ports/bus.js';
import type { EventStore } from '../../../src/ports/eventStore.js';
import { createEventPublisher } from '../../../src/reactors/eventPublisher.js';
import { makeTempDir } from '../../support/tempDir.js';
import { appendFaxHistory } from '../../integration/bus/faxEvents.js';
import { brokerStandIn } from '../../integration/bus/brokerStandIn.js';
import { waitUntil } from '../../integration/bus/waitUntil.js';

const logger = pino({ level: 'silent' });
const topic = 'faxengine.fax-events';

describe('event publisher', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function openStore(): EventStore {
    const dir = makeTempDir('publisher-unit');
    const store = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    cleanups.push(dir.remove, () => store.close());
    return store;
  }

  /** A stand-in for a Kafka broker whose first `failures` publishes reject (as during an outage). */
  function flakyBus(failures: number): { bus: Bus; published: BusMessage[][] } {
    const inner = createInProcessBus();
    const published: BusMessage[][] = [];
    let calls = 0;
    const bus = brokerStandIn(inner, async (name, messages) => {
      if (++calls <= failures) throw new Error('broker unavailable');
      published.push([...messages]);
      await inner.publish(name, messages);
    });
    cleanups.push(() => inner.close());
    return { bus, published };
  }

  it('publishes only fax events, in batches, to an in-process consumer group', async () => {
    const store = openStore();
    const { bus, published } = flakyBus(0);
    const publisher = createEventPublisher({ eventStore: store, bus, topic, logger, maxBatch: 7 });
    cleanups.push(() => publisher.stop());
    await appendFaxHistory(store, ['a', 'b', 'c'], 4);
    await publisher.start();
    const received: string[] = [];
    await bus.subscribe({ topic, group: 'faxengine-notifiers', fromBeginning: true, handler: async (message) => void received.push(message.key!) });
    const last = await appendFaxHistory(store, ['a', 'b', 'c'], 4);

    await publisher.waitUntilPublished(last);
    await waitUntil(() => received.length >= 24, 5_000);
    expect(received).toHaveLength(24);
    expect(published.every((batch) => batch.length <= 7)).toBe(true);
    expect(published.flat().map((message) => decodeFaxEventMessage(message.value).type)).not.toContain('TenantNoteAdded');
  });

  it('encodes and publishes nothing while no group reads the in-process topic, yet moves its checkpoint; a group that joins gets what follows', async () => {
    const store = openStore();
    const inner = createInProcessBus();
    cleanups.push(() => inner.close());
    const published: BusMessage[] = [];
    const bus: Bus = {
      ...inner,
      async publish(name, messages) {
        published.push(...messages);
        await inner.publish(name, messages);
      },
    };
    const publisher = createEventPublisher({ eventStore: store, bus, topic, logger });
    cleanups.push(() => publisher.stop());
    await publisher.start();
    const unread = await appendFaxHistory(store, ['a', 'b'], 3);

    await publisher.waitUntilPublished(unread);
    expect(published).toEqual([]);
    expect(await store.checkpoints.load(`bus-publisher:${topic}`)).toBe(unread);

    const received: string[] = [];
    await bus.subscribe({ topic, group: 'late-reader', fromBeginning: true, handler: async (message) => void received.push(`${message.key}:${decodeFaxEventMessage(message.value).revision}`) });
    const last = await appendFaxHistory(store, ['a'], 2);
    await publisher.waitUntilPublished(last);
    await waitUntil(() => received.length >= 2, 5_000);
    expect(received).toEqual(['a:3', 'a:4']);
    expect(published.map((message) => message.key)).toEqual(['a', 'a']);
  });

  it('retries a rejected publish and moves the checkpoint only after the bus accepted', async () => {
    const store = openStore();
    const { bus, published } = flakyBus(3);
    const checkpointName = `bus-publisher:${topic}`;
    const last = await appendFaxHistory(store, ['a', 'b'], 3);
    const publisher = createEventPublisher({ eventStore: store, bus, topic, logger });
    cleanups.push(() => publisher.stop());
    await publisher.start();

    // The first attempts are rejected and retried after a back-off of 200 ms and more.
    expect(await store.checkpoints.load(checkpointName)).toBeUndefined();
    expect(publisher.checkpoint).toBe(0);
    await publisher.waitUntilPublished(last, 10_000);
    expect(await store.checkpoints.load(checkpointName)).toBe(last);
    const revisions = published.flat().map((message) => `${message.key}:${decodeFaxEventMessage(message.value).revision}`);
    expect(revisions).toEqual(['a:0', 'b:0', 'a:1', 'b:1', 'a:2', 'b:2']);
  });

  it('starts after its checkpoint when started again', async () => {
    const store = openStore();
    const { bus, published } = flakyBus(0);
    const first = createEventPublisher({ eventStore: store, bus, topic, logger });
    await first.start();
    await first.waitUntilPublished(await appendFaxHistory(store, ['a'], 2));
    await first.stop();
    const last = await appendFaxHistory(store, ['a'], 3, 'other');

    const second = createEventPublisher({ eventStore: store, bus, topic, logger });
    cleanups.push(() => second.stop());
    await second.start();
    await second.waitUntilPublished(last);
    expect(published.flat().map((message) => decodeFaxEventMessage(message.value).revision)).toEqual([0, 1, 2, 3, 4]);
  });
});
