import { describe, expect, it } from 'vitest';
import { createChannelScheduler, type ChannelRequest } from '../../../src/runtime/channelScheduler.js';

function recorder() {
  const granted: string[] = [];
  const request = (faxId: string, tenantId: string, gateway = 'gw1', destination = `+1555${faxId.padStart(7, '0')}`): ChannelRequest => ({
    faxId,
    tenantId,
    gateway,
    destination,
    grant: () => granted.push(faxId),
  });
  return { granted, request };
}

describe('channel scheduler', () => {
  it('never exceeds the global limit and grants the next waiting fax on release', () => {
    const { granted, request } = recorder();
    const scheduler = createChannelScheduler({ maxChannels: 2 });
    for (const id of ['1', '2', '3', '4']) scheduler.request(request(id, 't1'));
    expect(granted).toEqual(['1', '2']);
    expect(scheduler.waiting()).toBe(2);
    scheduler.release('1');
    expect(granted).toEqual(['1', '2', '3']);
    expect(scheduler.inUse()).toBe(2);
  });

  it('lets tenants take turns instead of serving one tenant’s batch first', () => {
    const { granted, request } = recorder();
    const scheduler = createChannelScheduler({ maxChannels: 1 });
    scheduler.request(request('a1', 'A'));
    for (const id of ['a2', 'a3', 'a4']) scheduler.request(request(id, 'A'));
    scheduler.request(request('b1', 'B'));
    for (const id of ['a1', 'a2', 'b1', 'a3']) scheduler.release(id);
    expect(granted).toEqual(['a1', 'a2', 'b1', 'a3', 'a4']);
  });

  it('keeps one call per destination and per-gateway limits, letting others pass a blocked fax', () => {
    const { granted, request } = recorder();
    const scheduler = createChannelScheduler({ maxChannels: 10, maxPerGateway: (gateway) => (gateway === 'small' ? 1 : undefined) });
    scheduler.request(request('1', 't', 'gw1', '+15550000001'));
    scheduler.request(request('2', 't', 'gw1', '+15550000001'));
    scheduler.request(request('3', 't', 'small', '+15550000003'));
    scheduler.request(request('4', 't', 'small', '+15550000004'));
    scheduler.request(request('5', 't', 'gw1', '+15550000005'));
    expect(granted).toEqual(['1', '3', '5']);
    scheduler.release('1');
    expect(granted).toEqual(['1', '3', '5', '2']);
    scheduler.release('3');
    expect(granted).toEqual(['1', '3', '5', '2', '4']);
  });

  it('drops a waiting request on release without granting it', () => {
    const { granted, request } = recorder();
    const scheduler = createChannelScheduler({ maxChannels: 1 });
    scheduler.request(request('1', 't'));
    scheduler.request(request('2', 't'));
    scheduler.release('2');
    expect(scheduler.waiting()).toBe(0);
    scheduler.release('1');
    expect(granted).toEqual(['1']);
  });
});
