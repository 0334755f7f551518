import { describe, expect, it } from 'vitest';
import { createAddressAllowList } from '../../../src/domain/addressAllowList.js';
import { isAddressOrCidr } from '../../../src/domain/addressOrCidr.js';
import { createPerAddressLog } from '../../../src/adapters/esl/perAddressLog.js';

describe('the outbound-socket allow-list', () => {
  it('allows the configured addresses, their IPv4-mapped forms and CIDR blocks; nobody else', () => {
    const allowed = createAddressAllowList(['127.0.0.1', '::1', '10.1.0.0/16', 'fd00::/8']);
    for (const address of ['127.0.0.1', '::ffff:127.0.0.1', '::1', '10.1.2.3', '::ffff:10.1.200.9', 'fd12::5']) expect(allowed(address), address).toBe(true);
    for (const address of ['127.0.0.2', '10.2.0.1', '192.168.1.1', '::2', 'fe80::1', '', undefined, 'localhost']) expect(allowed(address), String(address)).toBe(false);
  });

  it('validates entries: addresses or CIDR blocks only', () => {
    expect(['10.0.0.1', '10.0.0.0/8', '::1', '2001:db8::/32', '0.0.0.0/0'].every(isAddressOrCidr)).toBe(true);
    expect(['10.0.0.0/33', '::/129', 'freeswitch.local', '10.0.0.1/8/2', '10.0.0/8', '10.0.0.0/x', ''].some(isAddressOrCidr)).toBe(false);
    expect(() => createAddressAllowList(['freeswitch.local'])).toThrow(/freeswitch.local/);
  });
});

describe('the refusal log', () => {
  it('logs an address at most once a minute, with the count refused since', () => {
    let now = 0;
    const logged: Array<[string, number]> = [];
    const note = createPerAddressLog({ log: (address, count) => logged.push([address, count]), now: () => now });
    for (let i = 0; i < 1000; i++) note('10.0.0.9');
    note('10.0.0.8');
    now = 59_999;
    note('10.0.0.9');
    now = 60_000;
    note('10.0.0.9');
    expect(logged).toEqual([
      ['10.0.0.9', 1],
      ['10.0.0.8', 1],
      ['10.0.0.9', 1001],
    ]);
  });

  it('remembers a bounded number of addresses, so a spray of sources cannot grow it or the log', () => {
    let now = 0;
    let logged = 0;
    const note = createPerAddressLog({ log: () => logged++, now: () => now, maxAddresses: 100 });
    for (let i = 0; i < 10_000; i++) note(`10.0.${i >> 8}.${i & 255}`);
    expect(logged).toBe(100);
    now = 60_000;
    note('10.9.9.9');
    expect(logged).toBe(101);
  });
});
