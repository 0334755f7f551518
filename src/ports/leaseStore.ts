/**
 * Leases kept beside the events, so that several faxengine instances sharing one event store can
 * agree who does what: who runs a reactor, who drives an outbound fax, who holds a channel slot.
 * A lease is held by one owner until it expires; its holder renews it well before then. Time is the
 * store's own where it has a clock (PostgreSQL), else each instance's (KurrentDB: keep them NTP-synchronised).
 *
 * A lease is advice, not a lock: a holder that stalls past its expiry may still act once more.
 * Effects that must never happen twice are fenced by the event store itself (an append at the
 * revision the actor last saw); the `token`, which grows each time the lease changes hands, lets
 * a holder prove it is still the latest.
 */
export interface LeaseStore {
  /**
   * Takes `name` for `owner` for `ttlMs` if it is free, expired, or already `owner`'s (then it is
   * renewed). Answers the lease when `owner` holds it now, else undefined.
   */
  acquire(name: string, owner: string, ttlMs: number): Promise<Lease | undefined>;
  /** Renews every unexpired lease `owner` holds (one write); answers the names still held. An expired one must be acquired again. */
  renewAll(owner: string, ttlMs: number): Promise<string[]>;
  /** Gives `name` up if `owner` holds it (a graceful hand-over: the next acquire need not wait for the expiry). */
  release(name: string, owner: string): Promise<void>;
  /** Unexpired leases whose names start with `prefix`. */
  held(prefix: string): Promise<Lease[]>;
}

export interface Lease {
  name: string;
  owner: string;
  /** When it lapses unless renewed (ISO time, the store's clock). */
  expiresAt: string;
  /** Grows by one each time the lease passes to another owner (renewals keep it). */
  token: number;
}
