import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonicalJson.js';
import { genesisHash, type AccessEntry } from './accessEvents.js';

/** sha256 (hex) over the canonical JSON of the entry without its own `hash` (its `prev` included: the link to the one before). */
export function entryHash(entry: Omit<AccessEntry, 'hash'>): string {
  const { hash: _ignored, ...rest } = entry as AccessEntry;
  return createHash('sha256').update(canonicalJson(rest), 'utf8').digest('hex');
}

/** A chain's state after some entries: the next entry's `seq` and `prev`. */
export interface ChainHead {
  /** Revision of the last entry, or undefined before the first. */
  revision: number | undefined;
  hash: string;
}

export const emptyChain: ChainHead = { revision: undefined, hash: genesisHash };

/** Links entries onto a head: each gets the next seq, the previous hash, and its own hash. */
export function linkEntries(head: ChainHead, entries: readonly Omit<AccessEntry, 'seq' | 'prev' | 'hash'>[]): { linked: AccessEntry[]; head: ChainHead } {
  let revision = head.revision ?? -1;
  let prev = head.hash;
  const linked = entries.map((entry) => {
    const unhashed = { ...entry, seq: ++revision, prev };
    const full = { ...unhashed, hash: entryHash(unhashed) };
    prev = full.hash;
    return full;
  });
  return { linked, head: { revision: revision < 0 ? undefined : revision, hash: prev } };
}

/** Why an entry breaks the chain. */
export type ChainBreak = {
  /** The stream revision of the first entry that does not check. */
  revision: number;
  entryId: string | null;
  at: string | null;
  reason: 'hash' | 'prev' | 'seq' | 'type';
  detail: string;
};

/**
 * Checks stored entries in revision order, page by page: feed each page, read the result at the
 * end. The first break is kept: an entry changed in place fails its own hash; one removed or
 * inserted fails the next one's `prev` (and `seq`).
 */
export function createChainCheck() {
  let head: ChainHead = emptyChain;
  let count = 0;
  let broken: ChainBreak | undefined;
  return {
    feed(events: readonly { revision: number; type: string; data: unknown }[]): void {
      for (const event of events) {
        if (broken) return;
        count++;
        const entry = event.data as Partial<AccessEntry> | null;
        const at = typeof entry?.at === 'string' ? entry.at : null;
        const entryId = typeof entry?.entryId === 'string' ? entry.entryId : null;
        const breakAt = (reason: ChainBreak['reason'], detail: string) => (broken = { revision: event.revision, entryId, at, reason, detail });
        const expectedSeq = (head.revision ?? -1) + 1;
        if (!entry || typeof entry !== 'object' || event.type !== 'FaxAccessed') breakAt('type', `revision ${event.revision} is a ${event.type}, not an access entry`);
        else if (entry.prev !== head.hash) breakAt('prev', `prev ${String(entry.prev).slice(0, 12)}… does not match the hash of the entry before (${head.hash.slice(0, 12)}…): an entry before it was changed, removed or inserted`);
        else if (entry.seq !== expectedSeq || event.revision !== expectedSeq) breakAt('seq', `seq ${String(entry.seq)} at revision ${event.revision}, expected ${expectedSeq}`);
        else if (entryHash(entry as AccessEntry) !== entry.hash) breakAt('hash', `the entry's content does not match its hash: it was changed`);
        else head = { revision: event.revision, hash: entry.hash! };
      }
    },
    result(): { ok: boolean; entries: number; head: ChainHead; broken: ChainBreak | null } {
      return { ok: broken === undefined, entries: count, head, broken: broken ?? null };
    },
  };
}
