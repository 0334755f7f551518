/** How failed logins slow a key down (OWASP: growing delays, never a hard lockout). */
export interface ThrottlePolicy {
  /** Failures a key may have before delays start. */
  freeFailures: number;
  /** The first delay; each further failure doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A key with no failure for this long starts afresh. */
  forgetAfterMs: number;
}

interface FailureRecord {
  failures: number;
  /** Attempts admitted and not yet decided: counted up front, so a burst cannot outrun the count. */
  pending: number;
  blockedUntil: number;
  lastFailureAt: number;
}

/** Failed-login counts per key (an address or an account), bounded in memory. */
export interface FailureCounters {
  /** Milliseconds until the key may try again; 0 when it may try now. */
  waitMs(key: string, now: number): number;
  /** Whether the key has failed recently. */
  hasFailed(key: string, now: number): boolean;
  /** An attempt starts: counted as in flight until `fail` or `release`. */
  begin(key: string, now: number): void;
  fail(key: string, now: number): void;
  /** The attempt succeeded or was not decided: it no longer counts. */
  release(key: string): void;
}

export function createFailureCounters(policy: ThrottlePolicy, maxKeys = 100_000): FailureCounters {
  const records = new Map<string, FailureRecord>();

  function live(key: string, now: number): FailureRecord | undefined {
    const record = records.get(key);
    if (record && record.pending === 0 && now >= record.blockedUntil && now - record.lastFailureAt >= policy.forgetAfterMs) {
      records.delete(key);
      return undefined;
    }
    return record;
  }

  /**
   * Under a spray of distinct keys: forget the stale ones, then the least recently failed, down
   * to 90 % of the bound, so the full scan runs once per tenth of the map and not per request.
   */
  function makeRoom(now: number): void {
    for (const key of records.keys()) live(key, now);
    const target = Math.floor(maxKeys * 0.9);
    for (const [key, record] of records) {
      if (records.size <= target) break;
      if (record.pending === 0) records.delete(key);
    }
  }

  return {
    waitMs(key, now) {
      const record = live(key, now);
      if (!record) return 0;
      if (now < record.blockedUntil) return record.blockedUntil - now;
      // Past the free failures, one attempt at a time: concurrent guesses wait for the verdict.
      if (record.pending > 0 && record.failures + record.pending >= policy.freeFailures) return Math.max(1000, policy.baseDelayMs);
      return 0;
    },
    hasFailed(key, now) {
      return (live(key, now)?.failures ?? 0) > 0;
    },
    begin(key, now) {
      let record = live(key, now);
      if (!record) {
        if (records.size >= maxKeys) makeRoom(now);
        record = { failures: 0, pending: 0, blockedUntil: 0, lastFailureAt: now };
        records.set(key, record);
      }
      record.pending++;
    },
    fail(key, now) {
      const record = records.get(key);
      if (!record) return;
      record.pending = Math.max(0, record.pending - 1);
      record.failures++;
      record.lastFailureAt = now;
      if (record.failures >= policy.freeFailures) {
        const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(30, record.failures - policy.freeFailures));
        record.blockedUntil = Math.max(record.blockedUntil, now + delay);
      }
      // Most recently failed last, so eviction drops the quiet keys first.
      records.delete(key);
      records.set(key, record);
    },
    release(key) {
      const record = records.get(key);
      if (!record) return;
      record.pending = Math.max(0, record.pending - 1);
      if (record.pending === 0 && record.failures === 0) records.delete(key);
    },
  };
}
