import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ReencryptableStore } from '../../../ports/atRestData.js';
import { createLruCache } from '../../../domain/lruCache.js';
import { sealedKeyId, type KeyRing } from '../../crypto/keyRing.js';

/** A subject's data key: `generation` names this key among the keys the subject ever had (a forgotten station gets a new one). */
export interface SubjectKey {
  generation: string;
  /** A KeyObject, made once when unwrapped: every event sealed or opened under it would import a raw key again. */
  key: KeyObject;
}

/** What a key store keeps per subject: the wrapped key, or `null` once forgotten for good (a tombstone). */
export type StoredKey = Buffer | null;

/**
 * Where wrapped keys live (one implementation per event store adapter). A wrapped key is the key
 * ring's sealing of `generation (8 bytes) | key (32 bytes)` with the subject as AAD.
 */
export interface SubjectKeyBackend {
  /** The stored keys of these subjects; a subject absent from the map never had one (or its key was deleted without a tombstone). */
  load(subjects: readonly string[]): Promise<Map<string, StoredKey>>;
  /** Stores `wrapped` unless the subject already has a row; resolves what is stored now, durably, whoever won. */
  create(subject: string, wrapped: Buffer, keyId: string): Promise<StoredKey>;
  /** Destroys the key; `tombstone` keeps a row that refuses a new key for the subject for ever. */
  destroy(subject: string, tombstone: boolean): Promise<void>;
  countByKey(): Promise<Record<string, number>>;
  /** Up to `limit` wrapped keys sealed under another ring key than `keyId`. */
  notUnder(keyId: string, limit: number): Promise<Array<{ subject: string; wrapped: Buffer }>>;
  /** Replaces `from` by `to` unless the row changed meanwhile; false then. */
  replace(subject: string, from: Buffer, to: Buffer, keyId: string): Promise<boolean>;
  close(): Promise<void>;
}

/** A cached answer: the key, or `null` when the subject's key was forgotten for good. */
type Cached = { value: SubjectKey | null; at: number };

export interface SubjectKeys extends ReencryptableStore {
  /** The key of `subject` if it is in memory and fresh: lets the hot path stay synchronous. `null`: forgotten for good; undefined: not cached. */
  cached(subject: string): SubjectKey | null | undefined;
  /** The subject's key, created (and durable) if it has none; `null` when it was forgotten for good. */
  getOrCreate(subject: string): Promise<SubjectKey | null>;
  /** The keys of many subjects in one look-up; subjects without a key (never had one, or forgotten) are absent or `null`. */
  getMany(subjects: readonly string[]): Promise<Map<string, SubjectKey | null>>;
  /** Destroys the subject's key (here and in the store); `forever`: no key is ever created for it again. */
  forget(subject: string, options: { forever: boolean }): Promise<void>;
  /** Drops a cached key (another instance may have forgotten it). */
  evict(subject: string): void;
  close(): Promise<void>;
}

export interface SubjectKeysOptions {
  /** Unwrapped keys kept in memory (LRU). */
  cacheSize?: number;
  /**
   * How long a cached key is trusted before it is looked up again: another instance of a cluster
   * may have forgotten it. Keys are read again at most this often per busy subject.
   */
  cacheTtlMs?: number;
}

const generationBytes = 8;
const keyBytes = 32;

/** Opens a wrapped key (`generation | key`, sealed under the ring with the subject as AAD). */
export function unwrapSubjectKey(ring: KeyRing, subject: string, wrapped: Uint8Array): SubjectKey {
  const plain = ring.open(wrapped, Buffer.from(subject, 'utf8'));
  return { generation: plain.subarray(0, generationBytes).toString('base64url'), key: createSecretKey(plain.subarray(generationBytes, generationBytes + keyBytes)) };
}

/**
 * Per-subject (per-stream) data keys for crypto-shredding: 32 random bytes each, stored only
 * wrapped under the key ring (AAD: the subject), created durably before anything is sealed under
 * them, cached unwrapped in a bounded LRU, destroyed by `forget`. Also the re-wrapping after a key
 * rotation (`ReencryptableStore`): the data keys stay the same, only their wrapping changes, so no
 * event is ever rewritten.
 */
export function createSubjectKeys(backend: SubjectKeyBackend, ring: KeyRing, options: SubjectKeysOptions = {}): SubjectKeys {
  const cache = createLruCache<Cached>(options.cacheSize ?? 10_000);
  const ttl = options.cacheTtlMs ?? 60_000;
  const creating = new Map<string, Promise<SubjectKey | null>>();
  const aad = (subject: string) => Buffer.from(subject, 'utf8');

  const unwrap = (subject: string, stored: StoredKey): SubjectKey | null => (stored === null ? null : unwrapSubjectKey(ring, subject, stored));
  const remember = (subject: string, value: SubjectKey | null) => {
    cache.set(subject, { value, at: performance.now() });
    return value;
  };

  function cached(subject: string): SubjectKey | null | undefined {
    const entry = cache.get(subject);
    if (!entry) return undefined;
    if (performance.now() - entry.at > ttl) {
      cache.delete(subject);
      return undefined;
    }
    return entry.value;
  }

  async function create(subject: string): Promise<SubjectKey | null> {
    const loaded = (await backend.load([subject])).get(subject);
    if (loaded !== undefined) return remember(subject, unwrap(subject, loaded));
    const wrapped = ring.seal(randomBytes(generationBytes + keyBytes), aad(subject));
    // Durable when this resolves: the caller seals events under the key only afterwards.
    const stored = await backend.create(subject, wrapped, ring.currentKeyId);
    return remember(subject, unwrap(subject, stored));
  }

  return {
    name: 'personal-data-keys',
    cached,

    getOrCreate(subject) {
      const hit = cached(subject);
      if (hit !== undefined) return Promise.resolve(hit);
      // Concurrent first appends of one subject share one creation.
      let pending = creating.get(subject);
      if (!pending) {
        pending = create(subject).finally(() => creating.delete(subject));
        creating.set(subject, pending);
      }
      return pending;
    },

    async getMany(subjects) {
      const found = new Map<string, SubjectKey | null>();
      const missing: string[] = [];
      for (const subject of new Set(subjects)) {
        const hit = cached(subject);
        if (hit === undefined) missing.push(subject);
        else found.set(subject, hit);
      }
      if (missing.length === 0) return found;
      const loaded = await backend.load(missing);
      for (const subject of missing) {
        const stored = loaded.get(subject);
        // Not cached when absent: another instance may create it any moment.
        if (stored === undefined) continue;
        found.set(subject, remember(subject, unwrap(subject, stored)));
      }
      return found;
    },

    async forget(subject, { forever }) {
      cache.delete(subject);
      await creating.get(subject)?.catch(() => undefined);
      await backend.destroy(subject, forever);
      cache.delete(subject);
    },

    evict: (subject) => cache.delete(subject),

    countByKey: () => backend.countByKey(),

    async reencryptBatch(limit) {
      const batch = await backend.notUnder(ring.currentKeyId, limit);
      let done = 0;
      for (const { subject, wrapped } of batch) {
        const rewrapped = ring.seal(ring.open(wrapped, aad(subject)), aad(subject));
        if (await backend.replace(subject, wrapped, rewrapped, sealedKeyId(rewrapped))) done++;
      }
      return done;
    },

    close: () => backend.close(),
  };
}
