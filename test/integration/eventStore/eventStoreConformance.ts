import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  WrongExpectedRevisionError,
  type EventStore,
  type RecordedEvent,
} from '../../../src/ports/eventStore.js';

export interface ConformanceTarget {
  /** Opens a store; `reopen` must give a store over the same data (for restart tests). */
  open(): Promise<EventStore>;
  cleanup?(): Promise<void>;
}

/**
 * One suite for every EventStore adapter. Every stream name starts with a per-test prefix and
 * every global read filters on it, so the suite also runs against a shared KurrentDB server.
 */
/** `leases: false` for a store without leases (KurrentDB today): the lease suite is not defined for it. */
export function describeEventStoreConformance(adapterName: string, makeTarget: () => ConformanceTarget, options: { leases?: boolean } = {}): void {
  describe(`EventStore conformance: ${adapterName}`, () => {
    let target: ConformanceTarget;
    let store: EventStore;
    let prefix: string;
    const opened: EventStore[] = [];
    const stream = (name: string) => `${prefix}${name}`;
    const open = async () => {
      const instance = await target.open();
      opened.push(instance);
      return instance;
    };
    const events = (count: number, type = 'Thing') =>
      Array.from({ length: count }, (_, index) => ({ type, data: { index }, metadata: { correlationId: `c${index}` } }));

    beforeEach(async () => {
      target = makeTarget();
      prefix = `conf${randomUUID().replaceAll('-', '').slice(0, 12)}`;
      store = await open();
    });
    afterEach(async () => {
      for (const instance of opened.splice(0)) await instance.close();
      await target.cleanup?.();
    });

    it('appends to a new stream and reads its own writes back in order with ids, metadata and times', async () => {
      const id = randomUUID();
      const result = await store.append(stream('-a'), [{ type: 'Opened', data: { n: 1 }, metadata: { correlationId: 'k1' }, id }, ...events(2)], 'no_stream');
      expect(result.nextExpectedRevision).toBe(2);
      expect(result.position).toBeGreaterThan(0);

      const read = await store.readStream(stream('-a'));
      expect(read.map((event) => [event.type, event.revision, event.stream])).toEqual([
        ['Opened', 0, stream('-a')],
        ['Thing', 1, stream('-a')],
        ['Thing', 2, stream('-a')],
      ]);
      expect(read[0]).toMatchObject({ id, data: { n: 1 }, metadata: { correlationId: 'k1' } });
      expect(new Date(read[0]!.created).toISOString()).toBe(read[0]!.created);
      expect(read[2]!.position).toBe(result.position);
      expect(await store.streamRevision(stream('-a'))).toBe(2);
    });

    it('reads backwards, from a revision, and a bounded count; a missing stream reads as empty', async () => {
      await store.append(stream('-b'), events(5));
      const backwards = await store.readStream(stream('-b'), { direction: 'backwards', maxCount: 2 });
      expect(backwards.map((event) => event.revision)).toEqual([4, 3]);
      const fromThree = await store.readStream(stream('-b'), { fromRevision: 3 });
      expect(fromThree.map((event) => event.revision)).toEqual([3, 4]);
      const backFromOne = await store.readStream(stream('-b'), { direction: 'backwards', fromRevision: 1 });
      expect(backFromOne.map((event) => event.revision)).toEqual([1, 0]);
      expect(await store.readStream(stream('-missing'))).toEqual([]);
      expect(await store.streamRevision(stream('-missing'))).toBeUndefined();
    });

    it('enforces no_stream, stream_exists and exact expected revisions, writing nothing on a mismatch', async () => {
      await expect(store.append(stream('-c'), events(1), 'stream_exists')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await store.append(stream('-c'), events(2), 'no_stream');
      const conflict = await store.append(stream('-c'), events(1), 'no_stream').catch((error: unknown) => error);
      expect(conflict).toBeInstanceOf(WrongExpectedRevisionError);
      expect(conflict).toMatchObject({ stream: stream('-c'), expected: 'no_stream', actual: 1 });
      await expect(store.append(stream('-c'), events(3), 0)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect(await store.streamRevision(stream('-c'))).toBe(1);

      const next = await store.append(stream('-c'), events(1), 1);
      expect(next.nextExpectedRevision).toBe(2);
      await store.append(stream('-c'), events(1), 'stream_exists');
      expect((await store.readStream(stream('-c'))).length).toBe(4);
    });

    it('lets exactly one of two concurrent appends with the same expected revision win', async () => {
      await store.append(stream('-d'), events(1), 'no_stream');
      const outcomes = await Promise.allSettled([
        store.append(stream('-d'), events(3, 'Left'), 0),
        store.append(stream('-d'), events(3, 'Right'), 0),
      ]);
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      const rejected = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(WrongExpectedRevisionError);
      const types = (await store.readStream(stream('-d'))).slice(1).map((event) => event.type);
      expect(types.length).toBe(3);
      expect(new Set(types).size).toBe(1);
    });

    it('keeps one total order across streams and reads all events after a position, filtered by prefix', async () => {
      await store.append(stream('x-1'), events(2));
      await store.append(stream('y-1'), events(1));
      await store.append(stream('x-2'), events(2));
      const all = await store.readAll({ streamPrefixes: [prefix] });
      expect(all.map((event) => event.stream)).toEqual([stream('x-1'), stream('x-1'), stream('y-1'), stream('x-2'), stream('x-2')]);
      const positions = all.map((event) => event.position);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expect(new Set(positions).size).toBe(positions.length);

      const onlyX = await store.readAll({ streamPrefixes: [stream('x-')] });
      expect(onlyX.map((event) => event.stream)).toEqual([stream('x-1'), stream('x-1'), stream('x-2'), stream('x-2')]);
      const afterThird = await store.readAll({ after: positions[2]!, streamPrefixes: [prefix] });
      expect(afterThird.map((event) => event.position)).toEqual(positions.slice(3));
      const page = await store.readAll({ streamPrefixes: [prefix], maxCount: 2 });
      expect(page.map((event) => event.position)).toEqual(positions.slice(0, 2));
    });

    it('stores and loads subscriber checkpoints', async () => {
      expect(await store.checkpoints.load(`${prefix}-reader`)).toBeUndefined();
      await store.checkpoints.save(`${prefix}-reader`, 42);
      await store.checkpoints.save(`${prefix}-reader`, 43);
      expect(await store.checkpoints.load(`${prefix}-reader`)).toBe(43);
    });

    it('delivers catch-up then live events exactly once, in order, and resumes from a checkpoint after a restart', async () => {
      for (let index = 0; index < 5; index++) await store.append(stream(`-s${index % 2}`), events(2));
      const name = `${prefix}-subscriber`;
      const seen: RecordedEvent[] = [];
      let caughtUp = false;
      const first = store.subscribeToAll({
        streamPrefixes: [prefix],
        onCaughtUp: () => (caughtUp = true),
        handler: async (event) => {
          seen.push(event);
          await store.checkpoints.save(name, event.position);
        },
      });
      await waitFor(() => caughtUp);
      expect(seen.length).toBe(10);
      await store.append(stream('-live'), events(3));
      await waitFor(() => seen.length === 13);
      await first.stop();
      expect(first.lastPosition).toBe(seen.at(-1)!.position);

      await store.append(stream('-while-stopped'), events(4));
      await store.close();
      const reopened = await open();
      const checkpoint = await reopened.checkpoints.load(name);
      expect(checkpoint).toBe(seen.at(-1)!.position);
      const second = reopened.subscribeToAll({ after: checkpoint, streamPrefixes: [prefix], handler: (event) => void seen.push(event) });
      await waitFor(() => seen.length === 17);
      await reopened.append(stream('-after-restart'), events(1));
      await waitFor(() => seen.length === 18);
      await second.stop();

      const all = await reopened.readAll({ streamPrefixes: [prefix] });
      expect(seen.map((event) => event.id)).toEqual(all.map((event) => event.id));
      expect(new Set(seen.map((event) => event.id)).size).toBe(18);
    });

    it('delivers events appended while the handler is busy, without waiting for another append', async () => {
      const seen: string[] = [];
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const subscription = store.subscribeToAll({
        streamPrefixes: [prefix],
        handler: async (event) => {
          seen.push(event.type);
          if (seen.length === 1) await gate;
        },
      });
      await store.append(stream('-busy'), [{ type: 'First', data: {} }]);
      await waitFor(() => seen.length === 1);
      await store.append(stream('-busy'), [{ type: 'Second', data: {} }]);
      release();
      await waitFor(() => seen.length === 2);
      expect(seen).toEqual(['First', 'Second']);
      await subscription.stop();
    });

    it('stops a subscription whose handler throws and reports the error', async () => {
      await store.append(stream('-e'), events(3));
      const errors: unknown[] = [];
      const handled: number[] = [];
      const subscription = store.subscribeToAll({
        streamPrefixes: [prefix],
        handler: (event) => {
          if (event.revision === 1) throw new Error('handler broke');
          handled.push(event.revision);
        },
        onError: (error) => errors.push(error),
      });
      await waitFor(() => errors.length === 1);
      expect((errors[0] as Error).message).toBe('handler broke');
      expect(handled).toEqual([0]);
      await subscription.stop();
      expect(subscription.lastPosition).toBeLessThan((await store.readStream(stream('-e')))[1]!.position);
    });

    it('answers ping while reachable', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });

  if (options.leases === false) return;
  describe(`LeaseStore conformance: ${adapterName}`, () => {
    let target: ConformanceTarget;
    let stores: EventStore[];
    let prefix: string;
    const leasesOf = (store: EventStore) => {
      if (!store.leases) throw new Error(`${adapterName} has no leases`);
      return store.leases;
    };
    beforeEach(async () => {
      target = makeTarget();
      prefix = `lease${randomUUID().replaceAll('-', '').slice(0, 12)}-`;
      // Two instances over the same data: leases are what they agree through.
      stores = [await target.open(), await target.open()];
    });
    afterEach(async () => {
      for (const store of stores) await store.close();
      await target.cleanup?.();
    });

    it('gives a free lease to one owner, renews it for that owner alone, and refuses it to others until released', async () => {
      const [a, b] = stores.map(leasesOf) as [NonNullable<EventStore['leases']>, NonNullable<EventStore['leases']>];
      const first = await a.acquire(`${prefix}relay`, 'instance-1', 60_000);
      expect(first).toMatchObject({ name: `${prefix}relay`, owner: 'instance-1', token: 1 });
      expect(Date.parse(first!.expiresAt)).toBeGreaterThan(Date.now() + 30_000);
      expect(await b.acquire(`${prefix}relay`, 'instance-2', 60_000)).toBeUndefined();
      expect(await b.acquire(`${prefix}relay`, 'instance-1', 60_000)).toMatchObject({ owner: 'instance-1', token: 1 });
      expect(await a.renewAll('instance-1', 60_000)).toContain(`${prefix}relay`);
      await b.release(`${prefix}relay`, 'instance-2'); // not its lease: nothing happens
      expect(await b.acquire(`${prefix}relay`, 'instance-2', 60_000)).toBeUndefined();
      await a.release(`${prefix}relay`, 'instance-1');
      expect(await b.acquire(`${prefix}relay`, 'instance-2', 60_000)).toMatchObject({ owner: 'instance-2' });
    });

    it('lets another owner take an expired lease, with a greater token, and does not renew it for the old owner', async () => {
      const [a, b] = stores.map(leasesOf) as [NonNullable<EventStore['leases']>, NonNullable<EventStore['leases']>];
      const first = await a.acquire(`${prefix}fax-1`, 'instance-1', 150);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await a.held(prefix)).toEqual([]);
      const second = await b.acquire(`${prefix}fax-1`, 'instance-2', 60_000);
      expect(second!.token).toBeGreaterThan(first!.token);
      expect(await a.renewAll('instance-1', 60_000)).not.toContain(`${prefix}fax-1`);
      expect(await a.held(prefix)).toEqual([expect.objectContaining({ name: `${prefix}fax-1`, owner: 'instance-2', token: second!.token })]);
    });

    it('lets exactly one of many owners racing on two instances take a free lease', async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, index) => leasesOf(stores[index % 2]!).acquire(`${prefix}slot`, `instance-${index}`, 60_000)),
      );
      const winners = outcomes.filter((lease) => lease !== undefined);
      expect(winners).toHaveLength(1);
      expect(await leasesOf(stores[0]!).held(`${prefix}slot`)).toEqual([winners[0]]);
    });

    it('lists the unexpired leases under a prefix only', async () => {
      const leases = leasesOf(stores[0]!);
      await leases.acquire(`${prefix}channel-carrier1-0`, 'instance-1', 60_000);
      await leases.acquire(`${prefix}channel-carrier1-1`, 'instance-2', 60_000);
      await leases.acquire(`${prefix}channel-carrier2-0`, 'instance-1', 60_000);
      await leases.acquire(`${prefix}channel-carrier1-2`, 'instance-3', 100);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const held = await leasesOf(stores[1]!).held(`${prefix}channel-carrier1-`);
      expect(held.map((lease) => [lease.name, lease.owner])).toEqual([
        [`${prefix}channel-carrier1-0`, 'instance-1'],
        [`${prefix}channel-carrier1-1`, 'instance-2'],
      ]);
    });
  });
}

/** Polls a condition until it holds (deliveries are asynchronous by nature). */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
