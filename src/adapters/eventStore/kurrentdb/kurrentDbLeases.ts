import { WrongExpectedRevisionError, type AppendResult, type ExpectedRevision, type NewEvent, type RecordedEvent } from '../../../ports/eventStore.js';
import type { Lease, LeaseStore } from '../../../ports/leaseStore.js';
import type { EnsureMaxCount } from './kurrentDbCheckpoints.js';

export interface KurrentDbLeaseDeps {
  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /** Events of a stream from `fromRevision` on (forwards), or its last one (`'last'`); empty when it does not exist. */
  read(stream: string, from: number | 'last'): Promise<RecordedEvent[]>;
  ensureMaxCount: EnsureMaxCount;
  /** This instance's clock in ms since the epoch. */
  now(): number;
}

/** The stream of lease `name`, and the stream that lists every lease name ever taken (for `held`). */
export const leaseStream = (name: string): string => `lease-${name}`;
export const leaseIndexStream = 'leases';
/** Hand-overs kept readable in a lease stream (for whoever investigates one); older ones are truncated. */
const LEASE_HISTORY = 3;
const CAS_ATTEMPTS = 5;
const HELD_READ_CONCURRENCY = 32;

interface LeaseState extends Lease {
  released?: boolean;
}
interface Current {
  revision: number;
  state: LeaseState;
}

/**
 * Leases in KurrentDB, which has no rows to update: lease `name` is the stream `lease-<name>`, whose
 * last event says owner, expiry and token. Every change is an append at the revision just read, so
 * of two instances racing for it exactly one append succeeds (the compare-and-set); the loser reads
 * again. The stream keeps its last few events only (`$maxCount`).
 *
 * Costs and limits, unlike SQLite/PostgreSQL:
 * - Expiry is judged by each instance's own clock (KurrentDB has no "now" a client can compare
 *   with), so the instances' clocks must be synchronised (NTP); a skew of s ms makes a lease lapse
 *   up to s ms early or late for another instance.
 * - `renewAll` renews the leases this store instance took for that owner: one read and one append
 *   per lease (not one statement).
 * - `held(prefix)` reads the `leases` index stream (only the names added since its last call) and
 *   then the last event of every lease name under the prefix ever taken: keep names under a
 *   prefix that is listed often to a bounded set (reactor names, channel slots), not one per fax.
 */
export function createKurrentDbLeases(deps: KurrentDbLeaseDeps): LeaseStore {
  /** Leases this instance took, name → owner: what `renewAll` renews. */
  const mine = new Map<string, string>();
  const knownNames = new Set<string>();
  let indexNext = 0;

  const alive = (state: LeaseState, at: number) => !state.released && Date.parse(state.expiresAt) > at;
  const visible = ({ name, owner, expiresAt, token }: LeaseState): Lease => ({ name, owner, expiresAt, token });

  async function readLease(name: string): Promise<Current | undefined> {
    const [last] = await deps.read(leaseStream(name), 'last');
    return last ? { revision: last.revision, state: last.data as LeaseState } : undefined;
  }

  /** Appends at the revision read; false when another instance wrote first. */
  async function compareAndSet(name: string, current: Current | undefined, type: string, state: LeaseState): Promise<boolean> {
    try {
      await deps.append(leaseStream(name), [{ type, data: state }], current ? current.revision : 'no_stream');
      return true;
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) return false;
      throw error;
    }
  }

  async function register(name: string): Promise<void> {
    if (knownNames.has(name)) return;
    // Listed before the lease stream exists, so `held` never misses a lease; a name listed twice
    // (two racing instances) or whose lease was never written is harmless.
    await deps.append(leaseIndexStream, [{ type: 'LeaseNamed', data: { name } }], 'any');
    await deps.ensureMaxCount(leaseStream(name), LEASE_HISTORY);
    knownNames.add(name);
  }

  async function refreshIndex(): Promise<void> {
    for (;;) {
      const page = await deps.read(leaseIndexStream, indexNext);
      for (const event of page) {
        knownNames.add((event.data as { name: string }).name);
        indexNext = event.revision + 1;
      }
      if (page.length === 0) return;
    }
  }

  return {
    async acquire(name, owner, ttlMs) {
      for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
        const current = await readLease(name);
        const at = deps.now();
        if (current && current.state.owner !== owner && alive(current.state, at)) return undefined;
        const keepsToken = current && current.state.owner === owner && !current.state.released;
        const lease: Lease = { name, owner, expiresAt: new Date(at + ttlMs).toISOString(), token: !current ? 1 : keepsToken ? current.state.token : current.state.token + 1 };
        if (!current) await register(name);
        if (await compareAndSet(name, current, keepsToken ? 'LeaseRenewed' : 'LeaseTaken', lease)) {
          mine.set(name, owner);
          return lease;
        }
      }
      return undefined;
    },

    async renewAll(owner, ttlMs) {
      const names = [...mine].filter(([, holder]) => holder === owner).map(([name]) => name);
      const renewed = await Promise.all(
        names.map(async (name) => {
          const current = await readLease(name);
          const at = deps.now();
          if (current && current.state.owner === owner && alive(current.state, at)) {
            const lease: Lease = { ...visible(current.state), expiresAt: new Date(at + ttlMs).toISOString() };
            if (await compareAndSet(name, current, 'LeaseRenewed', lease)) return name;
          }
          // Expired, released or taken over: it must be acquired again.
          mine.delete(name);
          return undefined;
        }),
      );
      return renewed.filter((name): name is string => name !== undefined).sort();
    },

    async release(name, owner) {
      const current = await readLease(name);
      if (!current || current.state.owner !== owner || current.state.released) return;
      if (mine.get(name) === owner) mine.delete(name);
      // A lost race means someone else holds it now: nothing of ours to give up.
      await compareAndSet(name, current, 'LeaseReleased', { ...visible(current.state), expiresAt: new Date(deps.now()).toISOString(), released: true });
    },

    async held(prefix) {
      await refreshIndex();
      const names = [...knownNames].filter((name) => name.startsWith(prefix)).sort();
      const leases: Lease[] = [];
      for (let start = 0; start < names.length; start += HELD_READ_CONCURRENCY) {
        const states = await Promise.all(names.slice(start, start + HELD_READ_CONCURRENCY).map(readLease));
        const at = deps.now();
        for (const current of states) if (current && alive(current.state, at)) leases.push(visible(current.state));
      }
      return leases;
    },
  };
}
