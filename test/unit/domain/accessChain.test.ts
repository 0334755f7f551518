import { describe, expect, it } from 'vitest';
import { createChainCheck, emptyChain, entryHash, linkEntries } from '../../../src/domain/access/accessChain.js';
import { canonicalJson } from '../../../src/domain/canonicalJson.js';
import type { AccessEntry } from '../../../src/domain/access/accessEvents.js';

const unlinked = (n: number) => ({
  entryId: `e${n}`,
  at: `2026-12-06T21:00:0${n}.000Z`,
  faxId: 'f1',
  tenantId: 't1',
  reader: { kind: 'admin' as const, credential: 'password' as const },
  from: { address: '203.0.113.1', userAgent: 'curl', via: 'api' as const },
  what: { kind: 'pdf' as const },
});
const asEvents = (entries: AccessEntry[]) => entries.map((data, revision) => ({ revision, type: 'FaxAccessed', data }));
const check = (events: ReturnType<typeof asEvents>) => {
  const chain = createChainCheck();
  chain.feed(events.slice(0, 2));
  chain.feed(events.slice(2));
  return chain.result();
};

describe('access hash chain', () => {
  const { linked, head } = linkEntries(emptyChain, [0, 1, 2, 3, 4].map(unlinked));

  it('hashes canonical JSON: the same entry with its keys in another order hashes alike', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
    const [first] = linked;
    const reordered = Object.fromEntries(Object.entries(first!).reverse()) as AccessEntry;
    expect(entryHash(reordered)).toBe(first!.hash);
  });

  it('links each entry to the one before, from 64 zeros; the head is the last', () => {
    expect(linked.map((entry) => entry.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(linked[0]!.prev).toBe('0'.repeat(64));
    for (let i = 1; i < linked.length; i++) expect(linked[i]!.prev).toBe(linked[i - 1]!.hash);
    expect(head).toEqual({ revision: 4, hash: linked[4]!.hash });
    expect(check(asEvents(linked))).toEqual({ ok: true, entries: 5, head, broken: null });
  });

  it('names a changed entry (its hash), the entry after a removed one (prev), and an entry re-hashed after a change (the next one’s prev)', () => {
    const changed = asEvents(linked.map((entry, i) => (i === 2 ? { ...entry, from: { ...entry.from, address: '192.0.2.1' } } : entry)));
    expect(check(changed).broken).toMatchObject({ revision: 2, entryId: 'e2', reason: 'hash' });

    const removed = linked.filter((_, i) => i !== 1).map((data, revision) => ({ revision, type: 'FaxAccessed', data }));
    expect(check(removed).broken).toMatchObject({ revision: 1, entryId: 'e2', reason: 'prev' });

    const forged = { ...linked[2]!, from: { ...linked[2]!.from, address: '192.0.2.1' } };
    const rehashed = asEvents(linked.map((entry, i) => (i === 2 ? { ...forged, hash: entryHash(forged) } : entry)));
    expect(check(rehashed).broken).toMatchObject({ revision: 3, entryId: 'e3', reason: 'prev' });

    const gap = asEvents(linked).map((event) => (event.revision >= 3 ? { ...event, revision: event.revision + 1 } : event));
    expect(check(gap).broken).toMatchObject({ revision: 4, entryId: 'e3', reason: 'seq' });
  });

  it('continues a chain from a stored head', () => {
    const more = linkEntries(head, [5, 6].map(unlinked));
    expect(more.linked[0]).toMatchObject({ seq: 5, prev: head.hash });
    expect(check(asEvents([...linked, ...more.linked])).ok).toBe(true);
  });
});
