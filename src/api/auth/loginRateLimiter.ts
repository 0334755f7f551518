import type { Clock } from '../../ports/clock.js';

export interface LoginRateLimiter {
  /** Seconds until the key may try again, or 0 when it may try now. */
  retryAfter(key: string): number;
  recordFailure(key: string): void;
  recordSuccess(key: string): void;
}

/**
 * Fixed-window count of failed logins per key (client IP + user name): after `maxFailures` in a
 * window the key is refused until the window ends, whether or not the next guess is right.
 */
export function createLoginRateLimiter(options: { clock: Clock; maxFailures?: number; windowSeconds?: number; maxKeys?: number }): LoginRateLimiter {
  const maxFailures = options.maxFailures ?? 10;
  const windowMs = (options.windowSeconds ?? 300) * 1000;
  const maxKeys = options.maxKeys ?? 100_000;
  const windows = new Map<string, { startedAt: number; failures: number }>();
  const now = () => options.clock.now().getTime();

  function current(key: string) {
    const window = windows.get(key);
    if (window && now() - window.startedAt >= windowMs) {
      windows.delete(key);
      return undefined;
    }
    return window;
  }

  /** Bounds memory under a spray of distinct keys: drop expired windows, then the oldest. */
  function prune(): void {
    for (const key of windows.keys()) current(key);
    for (const key of windows.keys()) {
      if (windows.size < maxKeys) break;
      windows.delete(key);
    }
  }

  return {
    retryAfter(key) {
      const window = current(key);
      if (!window || window.failures < maxFailures) return 0;
      return Math.max(1, Math.ceil((window.startedAt + windowMs - now()) / 1000));
    },
    recordFailure(key) {
      const window = current(key);
      if (window) window.failures++;
      else {
        if (windows.size >= maxKeys) prune();
        windows.set(key, { startedAt: now(), failures: 1 });
      }
    },
    recordSuccess(key) {
      windows.delete(key);
    },
  };
}
