import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const keyPrefix = 'fxk_';

/** A new API key: 256 random bits. Shown once; only its hash is stored. */
export function generateApiKey(): string {
  return keyPrefix + randomBytes(32).toString('base64url');
}

/**
 * SHA-256 is enough for keys (unlike passwords they have full entropy, so a slow hash adds
 * nothing) and lets the authenticator find the key by its hash in O(1).
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** What lists show, so people can tell keys apart without seeing them. */
export function apiKeyDisplayPrefix(key: string): string {
  return key.slice(0, 10);
}

/** Constant-time equality of two secrets of any length (both are hashed to a fixed size first). */
export function secretsEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

/** `secretsEqual(candidate, secret)` with the secret's hash computed once: what every Basic request checks against the admin key. */
export function secretMatcher(secret: string): (candidate: string) => boolean {
  const expected = createHash('sha256').update(secret).digest();
  return (candidate) => timingSafeEqual(createHash('sha256').update(candidate).digest(), expected);
}
