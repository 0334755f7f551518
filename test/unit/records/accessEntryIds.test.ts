import { describe, expect, it } from 'vitest';
import { entryIdOf, entryOf, newIdBase } from '../../../src/domain/access/pendingRead.js';

const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('access entry ids counted from a random base', () => {
  it('gives each serial its own version-4 UUID, and two recorders different ones', () => {
    const base = newIdBase();
    const ids = Array.from({ length: 5000 }, (_, index) => entryIdOf(base, index + 1));
    expect(new Set(ids).size).toBe(5000);
    for (const id of ids.slice(0, 50)) expect(id).toMatch(uuidV4);
    const other = newIdBase();
    expect(ids).not.toContain(entryIdOf(other, 1));
  });

  it('wraps within its last 48 bits: the version and variant stay', () => {
    const base = 'abababababab4bab8babffffffffffff';
    expect(entryIdOf(base, 1)).toBe('abababab-abab-4bab-8bab-000000000000');
    expect(entryIdOf(base, 2).endsWith('-000000000001')).toBe(true);
  });

  it('makes the entry with the ISO time of the milliseconds taken', () => {
    const read = { faxId: 'f1', tenantId: 't1', reader: { kind: 'admin', credential: 'password' }, from: { address: '192.0.2.1', userAgent: null, via: 'api' }, what: { kind: 'pdf' } } as const;
    const entry = entryOf({ idBase: newIdBase(), serial: 7, atMs: Date.UTC(2026, 11, 6, 23, 59, 1, 250), read });
    expect(entry).toEqual({ ...read, entryId: expect.stringMatching(uuidV4), at: '2026-12-06T23:59:01.250Z' });
  });
});
