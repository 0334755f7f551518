import type { Logger } from 'pino';
import type { LeaseStore } from '../ports/leaseStore.js';

/**
 * The leases this instance holds, renewed together: one `renewAll` per owner every `renewEveryMs`.
 * A lease the renewal did not include has lapsed (this instance stalled past its expiry and
 * another took it, or it was never renewed in time): its `onLost` runs, so whoever used it stops.
 */
export interface LeaseKeeper {
  /** Takes `name` for `owner` for `ttlMs` and keeps renewing it; false when someone else holds it. */
  acquire(name: string, owner: string, ttlMs: number, onLost?: () => void): Promise<boolean>;
  /** Gives `name` up (and stops renewing it). */
  release(name: string): Promise<void>;
  /** Whether this keeper holds `name` now. */
  holds(name: string): boolean;
  /** One renewal round now (the timer runs them too). */
  renew(): Promise<void>;
  /** Stops renewing (the leases then lapse at their expiry unless released). */
  stop(): void;
}

interface Kept {
  owner: string;
  ttlMs: number;
  onLost?: () => void;
}

export function createLeaseKeeper(deps: { leases: LeaseStore; renewEveryMs: number; logger: Logger }): LeaseKeeper {
  const kept = new Map<string, Kept>();
  let renewing: Promise<void> | undefined;

  async function renewOwner(owner: string, ttlMs: number): Promise<void> {
    // Leases acquired while the renewal runs were not in its snapshot: they are fresh, not lost.
    const before = [...kept].filter(([, lease]) => lease.owner === owner);
    const renewed = new Set(await deps.leases.renewAll(owner, ttlMs));
    for (const [name, lease] of before) {
      if (renewed.has(name) || kept.get(name) !== lease) continue;
      kept.delete(name);
      deps.logger.warn({ lease: name, owner }, 'lease lost: its renewal came too late, another instance may hold it now');
      lease.onLost?.();
    }
  }

  async function renewRound(): Promise<void> {
    const owners = new Map<string, number>();
    for (const lease of kept.values()) owners.set(lease.owner, lease.ttlMs);
    for (const [owner, ttlMs] of owners) {
      try {
        await renewOwner(owner, ttlMs);
      } catch (error) {
        // The store is unreachable: nothing can be appended either, so nothing is dialled meanwhile.
        deps.logger.warn({ err: error, owner }, 'could not renew leases');
      }
    }
  }

  const renew = () => (renewing ??= renewRound().finally(() => (renewing = undefined)));
  const timer = setInterval(() => void renew(), deps.renewEveryMs);
  timer.unref();

  return {
    async acquire(name, owner, ttlMs, onLost) {
      const lease = await deps.leases.acquire(name, owner, ttlMs);
      if (!lease) return false;
      kept.set(name, { owner, ttlMs, ...(onLost ? { onLost } : {}) });
      return true;
    },
    async release(name) {
      const lease = kept.get(name);
      if (!lease) return;
      kept.delete(name);
      await deps.leases.release(name, lease.owner);
    },
    holds: (name) => kept.has(name),
    renew,
    stop: () => clearInterval(timer),
  };
}
