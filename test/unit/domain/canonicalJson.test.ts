import { describe, expect, it } from 'vitest';
import { entryHash } from '../../../src/domain/access/accessChain.js';
import type { AccessEntry } from '../../../src/domain/access/accessEvents.js';
import { canonicalJson } from '../../../src/domain/canonicalJson.js';

/** The implementation access chains were hashed with before this one: stored chains must still check. */
function earlierCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(earlierCanonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${earlierCanonicalJson(item)}`).join(',')}}`;
}

/** A small deterministic generator (mulberry32), so a failure repeats. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const keys = ['a', 'B', 'b', 'faxId', 'z', '10', '9', 'é', 'Ω', '☎', 'with "quote"', 'new\nline', ''];
const leaves: unknown[] = [null, undefined, true, false, 0, -0, 1.5, -42, 1e21, 'text', '', 'zoë "x" \\ ☎ \u0001', '2026-12-07T22:30:00.000Z'];

function valueOf(next: () => number, depth: number): unknown {
  const pick = next();
  if (depth > 3 || pick < 0.45) return leaves[Math.floor(next() * leaves.length)];
  if (pick < 0.65) return Array.from({ length: Math.floor(next() * 4) }, () => valueOf(next, depth + 1));
  const record: Record<string, unknown> = {};
  for (let count = Math.floor(next() * 5); count > 0; count--) record[keys[Math.floor(next() * keys.length)]!] = valueOf(next, depth + 1);
  return record;
}

describe('canonical JSON', () => {
  it('sorts keys at every level and leaves out undefined ones', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null }, u: undefined })).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
    expect(canonicalJson([undefined, 'x'])).toBe('[null,"x"]');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('writes the very bytes the earlier implementation wrote, for 5,000 generated values', () => {
    const next = random(20261207);
    for (let index = 0; index < 5_000; index++) {
      const value = valueOf(next, 0);
      expect(canonicalJson(value)).toBe(earlierCanonicalJson(value));
    }
  });

  it('hashes an access entry as stored trails were hashed (a chain written before still checks)', () => {
    const entry = {
      entryId: '5f0c8a52-7d3e-4f11-9a0b-000000000007',
      at: '2026-12-07T22:30:00.000Z',
      faxId: '0190f3a2-1b2c-7d3e-8f40-123456789abc',
      tenantId: 'acme',
      reader: { kind: 'user', credential: 'apiKey', userId: 'u-1', username: 'zoë "the" clerk', tenantId: 'acme', apiKeyId: 'k-9' },
      from: { address: '2001:db8::1', userAgent: 'curl/8.5 (x86_64) ☎', via: 'api' },
      what: { kind: 'pageImage', page: 2, size: 'thumb' },
      seq: 41,
      prev: 'ab'.repeat(32),
    } as Omit<AccessEntry, 'hash'>;
    // Computed with the implementation before this one.
    expect(entryHash(entry)).toBe('684e21eccc7e899bdd836dd1ad3661566e0f792b3860c04d29e3eb63b93e5163');
  });
});
