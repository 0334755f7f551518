import type { Clock } from '../../ports/clock.js';
import type { Lease, LeaseStore } from '../../ports/leaseStore.js';

/**
 * Leases in this process's memory, for an event store that keeps none (KurrentDB today): right for
 * one faxengine instance, which is all such a store supports (README: Running several instances).
 */
export function createLocalLeases(clock: Clock): LeaseStore {
  const leases = new Map<string, Lease & { expiresAtMs: number }>();
  const now = () => clock.now().getTime();
  const visible = ({ expiresAtMs: _, ...lease }: Lease & { expiresAtMs: number }): Lease => lease;
  return {
    async acquire(name, owner, ttlMs) {
      const at = now();
      const current = leases.get(name);
      if (current && current.owner !== owner && current.expiresAtMs > at) return undefined;
      const token = !current ? 1 : current.owner === owner ? current.token : current.token + 1;
      const lease = { name, owner, token, expiresAtMs: at + ttlMs, expiresAt: new Date(at + ttlMs).toISOString() };
      leases.set(name, lease);
      return visible(lease);
    },
    async renewAll(owner, ttlMs) {
      const at = now();
      const renewed: string[] = [];
      for (const lease of leases.values()) {
        if (lease.owner !== owner || lease.expiresAtMs <= at) continue;
        lease.expiresAtMs = at + ttlMs;
        lease.expiresAt = new Date(lease.expiresAtMs).toISOString();
        renewed.push(lease.name);
      }
      return renewed;
    },
    async release(name, owner) {
      if (leases.get(name)?.owner === owner) leases.delete(name);
    },
    async held(prefix) {
      const at = now();
      return [...leases.values()].filter((lease) => lease.name.startsWith(prefix) && lease.expiresAtMs > at).map(visible).sort((a, b) => (a.name < b.name ? -1 : 1));
    },
  };
}
