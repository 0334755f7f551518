import { sealedKeyId } from '../../crypto/keyRing.js';
import type { StoredKey, SubjectKeyBackend } from './subjectKeys.js';

/** Wrapped keys in memory, for tests and for event stores that keep nothing either. */
export function createMemorySubjectKeyBackend(): SubjectKeyBackend & { rows: Map<string, StoredKey> } {
  const rows = new Map<string, StoredKey>();
  return {
    rows,
    async load(subjects) {
      const found = new Map<string, StoredKey>();
      for (const subject of subjects) if (rows.has(subject)) found.set(subject, rows.get(subject)!);
      return found;
    },
    async create(subject, wrapped) {
      if (!rows.has(subject)) rows.set(subject, wrapped);
      return rows.get(subject)!;
    },
    async destroy(subject, tombstone) {
      if (tombstone) rows.set(subject, null);
      else rows.delete(subject);
    },
    async countByKey() {
      const counts: Record<string, number> = {};
      for (const wrapped of rows.values()) if (wrapped) counts[sealedKeyId(wrapped)] = (counts[sealedKeyId(wrapped)] ?? 0) + 1;
      return counts;
    },
    async notUnder(keyId, limit) {
      return [...rows]
        .filter((row): row is [string, Buffer] => row[1] !== null && sealedKeyId(row[1]) !== keyId)
        .slice(0, limit)
        .map(([subject, wrapped]) => ({ subject, wrapped }));
    },
    async replace(subject, from, to) {
      if (!rows.get(subject)?.equals(from)) return false;
      rows.set(subject, to);
      return true;
    },
    async close() {},
  };
}
