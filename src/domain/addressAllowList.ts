import { BlockList, isIP } from 'node:net';
import { isAddressOrCidr } from './addressOrCidr.js';

/**
 * Compiles the addresses and CIDR blocks allowed to connect into one predicate. An IPv4 entry also
 * matches its IPv4-mapped IPv6 form (`::ffff:127.0.0.1`), as a dual-stack listener reports it.
 */
export function createAddressAllowList(entries: readonly string[]): (address: string | undefined) => boolean {
  const allowed = new BlockList();
  for (const entry of entries) {
    if (!isAddressOrCidr(entry)) throw new Error(`not an IP address or CIDR block: ${entry}`);
    const [address = '', bits] = entry.split('/');
    const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) allowed.addAddress(address, type);
    else allowed.addSubnet(address, Number(bits), type);
  }
  return (address) => {
    if (!address) return false;
    const family = isIP(address);
    return family !== 0 && allowed.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
}
