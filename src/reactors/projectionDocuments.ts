import type { DocumentProjection, DocumentWrite, QueryView } from '../../projections/documentProjection.js';
import type { ReadStore, StoredDocument } from '../ports/readStore.js';
import { createLruCache, type LruCache } from '../domain/lruCache.js';

/**
 * One projection's documents as its folds see them. Small collections are held whole in memory;
 * history collections are read through the writes not yet committed, a bounded LRU cache, then the
 * read store, one document at a time. Every write is also kept until `takeWrites` hands it to a commit.
 */
export interface ProjectionDocuments {
  view: QueryView;
  /** Documents loaded from the read store (small collections only). */
  load(documents: readonly StoredDocument[]): void;
  apply(write: DocumentWrite): void;
  /** Writes not yet committed; a later write of a document replaces the earlier one. */
  readonly pendingWrites: number;
  /** Of them, writes to history collections: what queries cannot see before a commit. */
  readonly pendingHistory: number;
  /** The pending writes, in first-write order, and forgets them (the caller commits them). */
  takeWrites(): DocumentWrite[];
  /** Documents of a history collection in the cache. */
  cached(collection: string): number;
}

export function createProjectionDocuments(projection: DocumentProjection, readStore: ReadStore, cacheEntries: number): ProjectionDocuments {
  const history = new Set(projection.historyCollections ?? []);
  const memory = new Map<string, Map<string, unknown>>();
  const caches = new Map<string, LruCache<unknown>>([...history].map((collection) => [collection, createLruCache<unknown>(cacheEntries)]));
  /** collection → key → document (`null` deletes). */
  let pending = new Map<string, Map<string, unknown>>();
  let pendingWrites = 0;
  let pendingHistory = 0;

  function read(collection: string, key: string): unknown {
    if (!history.has(collection)) return memory.get(collection)?.get(key);
    const staged = pending.get(collection);
    if (staged?.has(key)) return staged.get(key) ?? undefined;
    const cache = caches.get(collection)!;
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const stored = readStore.get(projection.name, collection, key);
    if (stored !== undefined) cache.set(key, stored);
    return stored;
  }

  return {
    view: {
      get: <T>(collection: string, key: string) => read(collection, key) as T | undefined,
      all: <T>(collection: string) => {
        if (history.has(collection)) throw new Error(`${projection.name}/${collection} grows with history: query it through its read model, it cannot be listed whole`);
        return (memory.get(collection)?.values() ?? []) as Iterable<T>;
      },
    },
    load(documents) {
      for (const { collection, key, doc } of documents) mapOf(memory, collection).set(key, doc);
    },
    apply({ collection, key, doc }) {
      mapOf(pending, collection).set(key, doc);
      pendingWrites++;
      if (history.has(collection)) {
        pendingHistory++;
        const cache = caches.get(collection)!;
        if (doc === null) cache.delete(key);
        else cache.set(key, doc);
      } else if (doc === null) memory.get(collection)?.delete(key);
      else mapOf(memory, collection).set(key, doc);
    },
    get pendingWrites() {
      return pendingWrites;
    },
    get pendingHistory() {
      return pendingHistory;
    },
    takeWrites() {
      const writes: DocumentWrite[] = [];
      for (const [collection, documents] of pending) for (const [key, doc] of documents) writes.push({ collection, key, doc });
      pending = new Map();
      pendingWrites = 0;
      pendingHistory = 0;
      return writes;
    },
    cached: (collection) => caches.get(collection)?.size ?? 0,
  };
}

function mapOf<V>(maps: Map<string, Map<string, V>>, name: string): Map<string, V> {
  let map = maps.get(name);
  if (!map) maps.set(name, (map = new Map()));
  return map;
}
