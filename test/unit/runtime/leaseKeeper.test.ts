import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLocalLeases } from '../../../src/adapters/leases/localLeases.js';
import { createClusterChannelSlots } from '../../../src/runtime/clusterChannelSlots.js';
import { createLeaseKeeper } from '../../../src/runtime/leaseKeeper.js';

const logger = pino({ level: 'silent' });

describe('the lease keeper', () => {
  it('renews what it holds, and reports a lease the renewal missed as lost, once', async () => {
    let now = Date.parse('2026-12-06T12:00:00Z');
    const leases = createLocalLeases({ now: () => new Date(now) });
    const keeper = createLeaseKeeper({ leases, renewEveryMs: 60_000, logger });
    const lost: string[] = [];
    expect(await keeper.acquire('fax-1', 'me', 1000, () => lost.push('fax-1'))).toBe(true);
    expect(await keeper.acquire('fax-2', 'me', 1000, () => lost.push('fax-2'))).toBe(true);
    expect(await keeper.acquire('fax-3', 'other', 5000)).toBe(true);
    expect(await keeper.acquire('fax-1', 'someone', 1000)).toBe(false);

    now += 900;
    await keeper.renew();
    now += 900;
    expect(await leases.acquire('fax-1', 'someone', 1000)).toBeUndefined();
    // fax-2 given back, fax-1 stalled past its expiry and taken by someone else.
    await keeper.release('fax-2');
    now += 200;
    expect(await leases.acquire('fax-1', 'someone', 1000)).toMatchObject({ owner: 'someone', token: 2 });
    await keeper.renew();
    await keeper.renew();
    expect(lost).toEqual(['fax-1']);
    expect(keeper.holds('fax-1')).toBe(false);
    expect((await leases.held('fax-')).map((lease) => [lease.name, lease.owner])).toEqual([
      ['fax-1', 'someone'],
      ['fax-3', 'other'],
    ]);
    keeper.stop();
  });
});

describe('cluster channel slots', () => {
  it('a call takes one slot of the total and one of its gateway, none when either is full, and a new driver adopts a call’s slots', async () => {
    const leases = createLocalLeases({ now: () => new Date() });
    const keeperA = createLeaseKeeper({ leases, renewEveryMs: 60_000, logger });
    const keeperB = createLeaseKeeper({ leases, renewEveryMs: 60_000, logger });
    const limits = { leases, ttlMs: 10_000, maxChannels: 3, maxPerGateway: (gateway: string) => (gateway === 'small' ? 1 : undefined) };
    const a = createClusterChannelSlots({ ...limits, keeper: keeperA });
    const b = createClusterChannelSlots({ ...limits, keeper: keeperB });
    expect(await a.take('call-1', 'small')).toEqual({});
    expect(await b.take('call-2', 'small')).toBe(false);
    expect(await b.take('call-2', 'big')).toEqual({});
    expect(await b.take('call-3', 'big')).toEqual({});
    expect(await a.take('call-4', 'big')).toBe(false);
    // The gateway slot given back with the refused call's total one: nothing leaks.
    expect((await leases.held('channel-')).map((lease) => lease.name)).toEqual(['channel-all-0', 'channel-all-1', 'channel-all-2', 'channel-gateway-small-0']);

    // a's call taken over by b: b keeps its slots, and gives them back when the call ends.
    await b.adopt('call-1');
    await b.release('call-1');
    await b.release('call-2');
    expect((await leases.held('channel-')).map((lease) => lease.owner)).toEqual(['call-call-3']);
    expect(await a.take('call-5', 'small')).toEqual({});
    keeperA.stop();
    keeperB.stop();
  });

  it('a call with candidate nodes takes a slot on the first that has one free, goes where no limit is, and none when all are full', async () => {
    const leases = createLocalLeases({ now: () => new Date() });
    const keeper = createLeaseKeeper({ leases, renewEveryMs: 60_000, logger });
    const slots = createClusterChannelSlots({ leases, keeper, ttlMs: 10_000, maxChannels: 10 });
    const fs1 = { name: 'fs1', channels: 1 };
    const fs2 = { name: 'fs2', channels: 1 };
    expect(await slots.take('call-1', 'gw', [fs1, fs2])).toEqual({ node: 'fs1' });
    expect(await slots.take('call-2', 'gw', [fs1, fs2])).toEqual({ node: 'fs2' });
    expect(await slots.take('call-3', 'gw', [fs1, fs2])).toBe(false);
    expect(await slots.take('call-4', 'gw', [fs1, { name: 'fs3', channels: undefined }])).toEqual({ node: 'fs3' });
    expect((await leases.held('channel-node-')).map((lease) => [lease.name, lease.owner])).toEqual([
      ['channel-node-fs1-0', 'call-call-1'],
      ['channel-node-fs2-0', 'call-call-2'],
    ]);
    // The refused call holds nothing: its total slot went back with it.
    expect((await leases.held('channel-all-')).map((lease) => lease.owner).sort()).toEqual(['call-call-1', 'call-call-2', 'call-call-4']);
    keeper.stop();
  });
});
