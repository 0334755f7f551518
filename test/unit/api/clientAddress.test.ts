import { describe, expect, it } from 'vitest';
import { clientAddress, throttleAddress } from '../../../src/api/auth/clientAddress.js';

describe('throttleAddress', () => {
  it('keeps IPv4 addresses, also when mapped into IPv6', () => {
    expect(throttleAddress('203.0.113.7')).toBe('203.0.113.7');
    expect(throttleAddress('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts an IPv6 address by its /64, however it is written', () => {
    expect(throttleAddress('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(throttleAddress('2001:0db8:0001:0002::1')).toBe('2001:db8:1:2::/64');
    expect(throttleAddress('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(throttleAddress('::1')).toBe('0:0:0:0::/64');
    expect(throttleAddress('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('leaves anything else as it is', () => {
    expect(throttleAddress('unknown')).toBe('unknown');
  });
});

describe('clientAddress', () => {
  const proxies = new Set(['10.0.0.1', '10.0.0.2']);

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(clientAddress('198.51.100.9', '1.2.3.4', proxies)).toBe('198.51.100.9');
    expect(clientAddress('198.51.100.9', '1.2.3.4', new Set())).toBe('198.51.100.9');
  });

  it('takes the right-most hop that is not a trusted proxy', () => {
    expect(clientAddress('10.0.0.1', '1.2.3.4', proxies)).toBe('1.2.3.4');
    expect(clientAddress('::ffff:10.0.0.1', 'spoofed, 1.2.3.4, 10.0.0.2', proxies)).toBe('1.2.3.4');
    expect(clientAddress('10.0.0.1', '2001:db8::5', proxies)).toBe('2001:db8::5');
  });

  it('falls back to the peer when the header is missing, malformed or only proxies', () => {
    expect(clientAddress('10.0.0.1', undefined, proxies)).toBe('10.0.0.1');
    expect(clientAddress('10.0.0.1', 'not-an-ip', proxies)).toBe('10.0.0.1');
    expect(clientAddress('10.0.0.1', '10.0.0.2', proxies)).toBe('10.0.0.1');
  });
});
