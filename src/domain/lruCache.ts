/**
 * A least-recently-used cache bounded in entries: a `Map` keeps insertion order, so a read moves
 * its entry to the end and an insert past the limit evicts the first (least recently used).
 */
export interface LruCache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  delete(key: string): void;
  readonly size: number;
}

export function createLruCache<V>(limit: number): LruCache<V> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`cache limit must be a positive integer, not ${limit}`);
  const entries = new Map<string, V>();
  return {
    get(key) {
      const value = entries.get(key);
      if (value === undefined) return undefined;
      entries.delete(key);
      entries.set(key, value);
      return value;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, value);
      if (entries.size > limit) entries.delete(entries.keys().next().value!);
    },
    delete(key) {
      entries.delete(key);
    },
    get size() {
      return entries.size;
    },
  };
}
