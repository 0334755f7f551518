import { describe, expect, it } from 'vitest';
import { createLocalLeases } from '../../../src/adapters/leases/localLeases.js';

describe('in-memory leases (a store without leases: one instance)', () => {
  it('holds, renews, expires, hands over with a greater token and lists by prefix', async () => {
    let now = Date.parse('2026-12-06T12:00:00Z');
    const leases = createLocalLeases({ now: () => new Date(now) });
    expect(await leases.acquire('reactor-relay', 'a', 1000)).toMatchObject({ owner: 'a', token: 1, expiresAt: '2026-12-06T12:00:01.000Z' });
    expect(await leases.acquire('reactor-relay', 'b', 1000)).toBeUndefined();
    now += 500;
    expect(await leases.renewAll('a', 1000)).toEqual(['reactor-relay']);
    now += 800;
    expect(await leases.acquire('reactor-relay', 'b', 1000)).toBeUndefined();
    now += 400;
    expect(await leases.renewAll('a', 1000)).toEqual([]);
    expect(await leases.acquire('reactor-relay', 'b', 1000)).toMatchObject({ owner: 'b', token: 2 });
    await leases.acquire('channel-x-0', 'a', 1000);
    expect((await leases.held('reactor-')).map((lease) => lease.name)).toEqual(['reactor-relay']);
    await leases.release('reactor-relay', 'a');
    expect(await leases.held('reactor-')).toHaveLength(1);
    await leases.release('reactor-relay', 'b');
    expect(await leases.held('reactor-')).toEqual([]);
  });
});
