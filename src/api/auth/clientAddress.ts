import { isIP, isIPv6 } from 'node:net';

/**
 * The address failed logins are counted against: IPv4 as it is (also when mapped into IPv6),
 * IPv6 by its /64, since one subscriber is routinely given a whole /64 and could otherwise
 * rotate through it.
 */
export function throttleAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  const bare = address.split('%')[0]!;
  if (!isIPv6(bare)) return address;
  const [head = '', tail] = bare.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

const unmapped = (address: string) => address.replace(/^::ffff:(?=\d{1,3}(?:\.\d{1,3}){3}$)/i, '');

/**
 * Who sent the request. The TCP peer, unless the peer is one of the configured reverse proxies:
 * then the right-most X-Forwarded-For entry that is not itself a trusted proxy (entries further
 * left were written by the client and prove nothing).
 */
export function clientAddress(peer: string, forwardedFor: string | undefined, trustedProxies: ReadonlySet<string>): string {
  if (!trustedProxies.has(unmapped(peer)) || !forwardedFor) return peer;
  const hops = forwardedFor.split(',').map((hop) => unmapped(hop.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!isIP(hop)) return peer;
    if (!trustedProxies.has(hop)) return hop;
  }
  return peer;
}
