import type { Clock } from '../../ports/clock.js';
import { createFailureCounters, type ThrottlePolicy } from './failureCounters.js';

export interface LoginThrottleSettings {
  /** Failures from one source address (every kind: passwords, API keys, the admin key). */
  address: ThrottlePolicy;
  /** Failures on one user name, from any address; they slow only addresses that have failed themselves. */
  account: ThrottlePolicy;
}

export const defaultLoginThrottle: LoginThrottleSettings = {
  address: { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 300_000, forgetAfterMs: 900_000 },
  account: { freeFailures: 10, baseDelayMs: 1000, maxDelayMs: 300_000, forgetAfterMs: 900_000 },
};

/** `clean`: the address has no recent failure (its password checks go first). */
export type Admission = { admitted: false; retryAfterSeconds: number } | { admitted: true; clean: boolean; attempt: LoginAttempt };

/** One request's try at logging in; exactly one of failed / succeeded / abandoned ends it. */
export interface LoginAttempt {
  /** Before a password is checked against a user name: seconds to wait, or 0 to go on. */
  account(username: string): number;
  failed(): void;
  succeeded(): void;
  /** Not decided (refused for another reason): counts neither way. */
  abandoned(): void;
}

export interface LoginRateLimiter {
  /** Called before any credential is checked, so a throttled address costs no hash. */
  begin(address: string): Admission;
}

/**
 * OWASP's advice against brute force and credential stuffing, without its denial-of-service
 * trap: failures are counted per source address and per account, and past a few free ones each
 * further failure doubles the wait. A throttled address is refused (429) before any check. An
 * account under attack slows only the addresses that have failed: the right password from a
 * clean address always goes through, so nobody can lock a user (or the admin key) out.
 */
export function createLoginRateLimiter(options: { clock: Clock; settings?: LoginThrottleSettings; maxKeys?: number }): LoginRateLimiter {
  const settings = options.settings ?? defaultLoginThrottle;
  const addresses = createFailureCounters(settings.address, options.maxKeys);
  const accounts = createFailureCounters(settings.account, options.maxKeys);
  const now = () => options.clock.now().getTime();
  const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

  return {
    begin(address) {
      const addressWait = addresses.waitMs(address, now());
      if (addressWait > 0) return { admitted: false, retryAfterSeconds: seconds(addressWait) };
      const suspect = addresses.hasFailed(address, now());
      addresses.begin(address, now());
      let accountKey: string | undefined;
      let settled = false;
      const settle = (outcome: 'failed' | 'released') => {
        if (settled) return;
        settled = true;
        if (outcome === 'failed') {
          addresses.fail(address, now());
          if (accountKey !== undefined) accounts.fail(accountKey, now());
        } else {
          addresses.release(address);
          if (accountKey !== undefined) accounts.release(accountKey);
        }
      };
      return {
        admitted: true,
        clean: !suspect,
        attempt: {
          account(username) {
            const key = username.toLowerCase();
            if (suspect) {
              const accountWait = accounts.waitMs(key, now());
              if (accountWait > 0) return seconds(accountWait);
            }
            accounts.begin(key, now());
            accountKey = key;
            return 0;
          },
          failed: () => settle('failed'),
          succeeded: () => settle('released'),
          abandoned: () => settle('released'),
        },
      };
    },
  };
}
