import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bus, BusSubscription, ReceivedMessage } from '../../../src/ports/bus.js';
import { waitUntil } from './waitUntil.js';

export interface BusUnderTest {
  /** A fresh bus; the suite closes it. Redelivery should be quick (tens of ms) so tests stay fast. */
  open(): Bus;
  /** How long a delivery may take, e.g. a Kafka group join. */
  timeoutMs: number;
}

/** The behaviour every Bus adapter must show; run against each adapter. */
export function busContract(name: string, subject: BusUnderTest): void {
  describe(`${name}: bus contract`, () => {
    const opened: Bus[] = [];
    const open = () => {
      const bus = subject.open();
      opened.push(bus);
      return bus;
    };
    const fresh = (label: string) => `${label}-${randomUUID()}`;
    const values = (messages: readonly ReceivedMessage[]) => messages.map((message) => message.value.toString());
    const collect = async (bus: Bus, topic: string, group: string, into: ReceivedMessage[]): Promise<BusSubscription> =>
      bus.subscribe({ topic, group, fromBeginning: true, handler: async (message) => void into.push(message) });

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((bus) => bus.close()));
    });

    it('delivers the key, value and headers that were published', async () => {
      const bus = open();
      const topic = fresh('contract-fields');
      await bus.ensureTopic(topic, { partitions: 3 });
      await bus.ensureTopic(topic, { partitions: 3 });
      await bus.publish(topic, [
        { key: 'fax-a', value: 'first', headers: { 'faxengine-event-type': 'FaxQueued' } },
        { key: 'fax-a', value: new TextEncoder().encode('second') },
      ]);
      const received: ReceivedMessage[] = [];
      await collect(bus, topic, fresh('group'), received);

      await waitUntil(() => received.length >= 2, subject.timeoutMs);
      expect(values(received)).toEqual(['first', 'second']);
      expect(received[0]).toMatchObject({ topic, key: 'fax-a', headers: { 'faxengine-event-type': 'FaxQueued' } });
      expect(received[1]!.partition).toBe(received[0]!.partition);
      expect(BigInt(received[1]!.offset)).toBe(BigInt(received[0]!.offset) + 1n);
      expect(received[0]!.timestamp).toBeGreaterThan(Date.now() - 60_000);
    });

    it('keeps the publish order of each key', async () => {
      const bus = open();
      const topic = fresh('contract-order');
      await bus.ensureTopic(topic, { partitions: 3 });
      const received: ReceivedMessage[] = [];
      await collect(bus, topic, fresh('group'), received);
      for (let round = 0; round < 10; round++) {
        await bus.publish(topic, Array.from({ length: 20 }, (_, key) => ({ key: `key-${key}`, value: String(round) })));
      }

      await waitUntil(() => received.length >= 200, subject.timeoutMs, () => `(got ${received.length})`);
      const perKey = new Map<string, string[]>();
      for (const message of received) perKey.set(message.key!, [...(perKey.get(message.key!) ?? []), message.value.toString()]);
      expect(perKey.size).toBe(20);
      for (const sequence of perKey.values()) expect(sequence).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    });

    it('gives every group every message once', async () => {
      const bus = open();
      const topic = fresh('contract-groups');
      await bus.ensureTopic(topic);
      const first: ReceivedMessage[] = [];
      const second: ReceivedMessage[] = [];
      await collect(bus, topic, fresh('group-one'), first);
      await collect(bus, topic, fresh('group-two'), second);
      const published = Array.from({ length: 30 }, (_, index) => `m${index}`);
      await bus.publish(topic, published.map((value, index) => ({ key: `k${index % 7}`, value })));

      await waitUntil(() => first.length >= 30 && second.length >= 30, subject.timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(values(first).sort()).toEqual([...published].sort());
      expect(values(second).sort()).toEqual([...published].sort());
    });

    it('shares the partitions among the members of one group', async () => {
      const bus = open();
      const topic = fresh('contract-members');
      const group = fresh('group');
      await bus.ensureTopic(topic, { partitions: 3 });
      const byFirst: ReceivedMessage[] = [];
      const bySecond: ReceivedMessage[] = [];
      await collect(bus, topic, group, byFirst);
      await collect(bus, topic, group, bySecond);
      const published = Array.from({ length: 90 }, (_, index) => `m${index}`);
      await bus.publish(topic, published.map((value, index) => ({ key: `k${index % 30}`, value })));

      await waitUntil(() => byFirst.length + bySecond.length >= 90, subject.timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect([...values(byFirst), ...values(bySecond)].sort()).toEqual([...published].sort());
      expect(byFirst.length).toBeGreaterThan(0);
      expect(bySecond.length).toBeGreaterThan(0);
    });

    it('redelivers a message whose handler threw before the later messages of its key', async () => {
      const bus = open();
      const topic = fresh('contract-redelivery');
      await bus.ensureTopic(topic, { partitions: 1 });
      const attempts: string[] = [];
      const handled: string[] = [];
      const failures: unknown[] = [];
      await bus.subscribe({
        topic,
        group: fresh('group'),
        fromBeginning: true,
        onHandlerError: (error) => failures.push(error),
        handler: async (message) => {
          const value = message.value.toString();
          attempts.push(value);
          if (value === 'm2' && attempts.filter((attempt) => attempt === 'm2').length < 3) throw new Error('not yet');
          handled.push(value);
        },
      });
      await bus.publish(topic, ['m0', 'm1', 'm2', 'm3', 'm4'].map((value) => ({ key: 'same', value })));

      await waitUntil(() => handled.length >= 5, subject.timeoutMs);
      expect(handled).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
      expect(attempts).toEqual(['m0', 'm1', 'm2', 'm2', 'm2', 'm3', 'm4']);
      expect(failures).toHaveLength(2);
    });

    it('lets a later member of the group resume after what the group handled', async () => {
      const bus = open();
      const topic = fresh('contract-resume');
      const group = fresh('group');
      await bus.ensureTopic(topic, { partitions: 2 });
      const before: ReceivedMessage[] = [];
      const subscription = await collect(bus, topic, group, before);
      await bus.publish(topic, Array.from({ length: 10 }, (_, index) => ({ key: `k${index % 3}`, value: `early${index}` })));
      await waitUntil(() => before.length >= 10, subject.timeoutMs);
      await subscription.stop();

      await bus.publish(topic, Array.from({ length: 10 }, (_, index) => ({ key: `k${index % 3}`, value: `late${index}` })));
      const after: ReceivedMessage[] = [];
      await collect(bus, topic, group, after);

      await waitUntil(() => after.length >= 10, subject.timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(values(after).sort()).toEqual(Array.from({ length: 10 }, (_, index) => `late${index}`).sort());
    });

    it('lets a running handler finish when the subscription stops', async () => {
      const bus = open();
      const topic = fresh('contract-stop');
      await bus.ensureTopic(topic, { partitions: 1 });
      let finished = false;
      let started = false;
      const subscription = await bus.subscribe({
        topic,
        group: fresh('group'),
        fromBeginning: true,
        handler: async () => {
          started = true;
          await new Promise((resolve) => setTimeout(resolve, 300));
          finished = true;
        },
      });
      await bus.publish(topic, [{ key: 'k', value: 'slow' }]);
      await waitUntil(() => started, subject.timeoutMs);

      await subscription.stop();
      expect(finished).toBe(true);
    });
  });
}
