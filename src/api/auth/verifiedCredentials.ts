import { createHmac, randomBytes } from 'node:crypto';
import { createLruCache } from '../../domain/lruCache.js';
import type { Clock } from '../../ports/clock.js';

/** What a successful password check proved: this user, with the password hash it was checked against. */
export interface VerifiedLogin {
  userId: string;
  passwordHash: string;
}

export interface VerifiedCredentialsCache {
  /** The login a recent check of exactly this password proved, while it is fresh (and touches it). */
  get(userId: string, password: string): Readonly<VerifiedLogin> | undefined;
  /** Remembers a successful check; never call it for a failed one. */
  remember(userId: string, password: string, login: VerifiedLogin): void;
  forget(userId: string, password: string): void;
  readonly size: number;
}

/**
 * Successful HTTP Basic checks, so a client that polls with a password pays for scrypt once per
 * `ttlMs`, not on every request. Entries are keyed by an HMAC of user id and password under a key
 * drawn at start and never stored: the cache holds no password, nor a hash anyone could test
 * guesses against offline. Bounded: the least recently used entry goes first beyond `maxEntries`.
 * A password change, disable or delete is honoured by the caller, which serves an entry only while
 * the user's current login still has the hash it was checked against.
 */
export function createVerifiedCredentialsCache(options: { ttlMs: number; maxEntries: number; clock: Clock }): VerifiedCredentialsCache {
  const secret = randomBytes(32);
  const entries = options.ttlMs > 0 && options.maxEntries > 0 ? createLruCache<Readonly<VerifiedLogin & { expiresAt: number }>>(options.maxEntries) : undefined;
  // Length-prefixed, so no (id, password) pair can be read as another.
  const keyOf = (userId: string, password: string) => createHmac('sha256', secret).update(`${userId.length}:${userId}:${password}`).digest('hex');

  return {
    get(userId, password) {
      if (!entries) return undefined;
      const key = keyOf(userId, password);
      const entry = entries.get(key);
      if (!entry || entry.expiresAt > options.clock.now().getTime()) return entry;
      entries.delete(key);
      return undefined;
    },
    remember(userId, password, login) {
      entries?.set(keyOf(userId, password), { ...login, expiresAt: options.clock.now().getTime() + options.ttlMs });
    },
    forget(userId, password) {
      entries?.delete(keyOf(userId, password));
    },
    get size() {
      return entries?.size ?? 0;
    },
  };
}
