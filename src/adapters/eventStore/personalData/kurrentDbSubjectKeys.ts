import { BACKWARDS, END, FORWARDS, START, StreamDeletedError, StreamNotFoundError, WrongExpectedVersionError, jsonEvent, streamNameFilter } from '@kurrent/kurrentdb-client';
import { sealedKeyId } from '../../crypto/keyRing.js';
import type { KurrentDbClient } from '../kurrentdb/kurrentDbEventStore.js';
import type { StoredKey, SubjectKeyBackend } from './subjectKeys.js';

/** The stream holding `subject`'s wrapped key. */
export const subjectKeyStream = (subject: string): string => `faxkey-${subject}`;
const prefix = 'faxkey-';
const LOAD_CONCURRENCY = 32;

interface KeyEventData {
  keyId: string;
  wrapped: string;
}

/**
 * Wrapped keys in KurrentDB, one stream per subject (`faxkey-<subject>`, `$maxCount` 1 so a
 * re-wrapping truncates the older wrapping). Forgetting a fax tombstones its stream (hard delete:
 * it can never be written again, so no new key is ever made for that fax); forgetting a station
 * deletes it softly (a new key may come). Either way the bytes stay in the database's chunks until
 * a scavenge removes them (README: Crypto-shredding).
 */
export function createKurrentDbSubjectKeyBackend(client: KurrentDbClient): SubjectKeyBackend {
  async function loadOne(subject: string): Promise<StoredKey | undefined> {
    try {
      for await (const resolved of client.readStream(subjectKeyStream(subject), { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
        if (resolved.event?.isJson) return Buffer.from((resolved.event.data as unknown as KeyEventData).wrapped, 'base64');
      }
      return undefined;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      if (error instanceof StreamDeletedError) return null;
      throw error;
    }
  }

  async function load(subjects: readonly string[]): Promise<Map<string, StoredKey>> {
    const found = new Map<string, StoredKey>();
    for (let start = 0; start < subjects.length; start += LOAD_CONCURRENCY) {
      const slice = subjects.slice(start, start + LOAD_CONCURRENCY);
      const keys = await Promise.all(slice.map(loadOne));
      slice.forEach((subject, index) => keys[index] !== undefined && found.set(subject, keys[index]!));
    }
    return found;
  }

  /** Every live key stream's latest wrapping: a walk of the key streams (the re-encryption job's, not the hot path's). */
  async function liveKeys(): Promise<Map<string, Buffer>> {
    const latest = new Set<string>();
    for await (const resolved of client.readAll({ direction: FORWARDS, fromPosition: START, filter: streamNameFilter({ prefixes: [prefix] }) })) {
      if (resolved.event) latest.add(resolved.event.streamId.slice(prefix.length));
    }
    // $all still shows deleted streams' events until a scavenge: ask each stream.
    const stored = await load([...latest]);
    return new Map([...stored].filter((entry): entry is [string, Buffer] => entry[1] !== null));
  }

  return {
    load,
    async create(subject, wrapped, keyId) {
      const stream = subjectKeyStream(subject);
      try {
        await client.appendToStream(stream, jsonEvent({ type: 'SubjectKeyCreated', data: { keyId, wrapped: wrapped.toString('base64') } }), { streamState: 'no_stream' });
        await client.setStreamMetadata(stream, { maxCount: 1 });
      } catch (error) {
        if (error instanceof StreamDeletedError) return null;
        if (!(error instanceof WrongExpectedVersionError)) throw error;
      }
      // The server acknowledged the append: it is durable (written to its journal) when this resolves.
      return (await loadOne(subject)) ?? null;
    },
    async destroy(subject, tombstone) {
      const stream = subjectKeyStream(subject);
      try {
        if (tombstone) await client.tombstoneStream(stream);
        else await client.deleteStream(stream);
      } catch (error) {
        // Already gone: forgetting is idempotent. A fax never keyed is tombstoned all the same.
        if (!(error instanceof StreamDeletedError) && !(error instanceof StreamNotFoundError)) throw error;
      }
    },
    async countByKey() {
      const counts: Record<string, number> = {};
      for (const wrapped of (await liveKeys()).values()) {
        counts[sealedKeyId(wrapped)] = (counts[sealedKeyId(wrapped)] ?? 0) + 1;
      }
      return counts;
    },
    async notUnder(keyId, limit) {
      const batch: Array<{ subject: string; wrapped: Buffer }> = [];
      for (const [subject, wrapped] of await liveKeys()) {
        if (batch.length >= limit) break;
        if (sealedKeyId(wrapped) !== keyId) batch.push({ subject, wrapped });
      }
      return batch;
    },
    async replace(subject, from, to, keyId) {
      const stream = subjectKeyStream(subject);
      let revision: bigint | undefined;
      let current: Buffer | undefined;
      try {
        for await (const resolved of client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
          revision = resolved.event?.revision;
          current = resolved.event ? Buffer.from((resolved.event.data as unknown as KeyEventData).wrapped, 'base64') : undefined;
        }
      } catch {
        return false;
      }
      if (revision === undefined || !current?.equals(from)) return false;
      try {
        await client.appendToStream(stream, jsonEvent({ type: 'SubjectKeyRewrapped', data: { keyId, wrapped: to.toString('base64') } }), { streamState: revision });
        return true;
      } catch (error) {
        if (error instanceof WrongExpectedVersionError || error instanceof StreamDeletedError) return false;
        throw error;
      }
    },
    async close() {},
  };
}
