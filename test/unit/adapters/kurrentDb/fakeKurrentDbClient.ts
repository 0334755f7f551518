import { EventEmitter } from 'node:events';
import {
  BACKWARDS,
  END,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AppendStreamState,
  type EventData,
  type Filter,
  type Position,
  type ReadPosition,
  type ReadRevision,
  type StreamMetadata,
} from '@kurrent/kurrentdb-client';
import type { KurrentDbClient } from '../../../../src/adapters/eventStore/kurrentdb/kurrentDbEventStore.js';

/**
 * An in-memory stand-in for the KurrentDB client methods the adapter uses. No KurrentDB server can
 * run on the build machines; this models what the server's source says it does, and nothing more:
 * - each event's log record has its own (prepare) position; in $all every implicitly committed
 *   event is reported at (prepare, prepare) (KurrentDB AllReader.cs);
 * - pessimistic where the source leaves it open: a stream read reports the append's transaction
 *   position (its first record) as commit, as the server does when it knows a commit position for
 *   the event (ResolvedEvent.CalculatePosition), and an append answers with that transaction
 *   position (Streams.Append sends its commit position as both, "not technically correct");
 * - a forward $all read is inclusive of its from-position; `$maxCount` hides older events;
 * - expected revisions are checked atomically (one JS turn per append).
 * It is a fake: the conformance suite against a real server (KURRENTDB_URL) is what proves the adapter.
 */
export function createFakeKurrentDbClient() {
  interface Stored {
    streamId: string;
    id: string;
    revision: bigint;
    type: string;
    data: unknown;
    metadata: unknown;
    isJson: true;
    created: Date;
    prepare: bigint;
    transaction: bigint;
  }
  const log: Stored[] = [];
  const streams = new Map<string, Stored[]>();
  const metadata = new Map<string, StreamMetadata>();
  const feeds = new Set<EventEmitter & { filter?: Filter }>();
  /** Hard-deleted streams: never readable or writable again. */
  const tombstoned = new Set<string>();
  let nextOffset = 1000n;
  let refuseLive = false;

  const matches = (filter: Filter | undefined, stream: string) => {
    if (!filter) return true;
    const { prefixes, regex } = filter as { prefixes?: string[]; regex?: string };
    if (prefixes) return prefixes.some((prefix) => stream.startsWith(prefix));
    return regex === undefined || new RegExp(regex).test(stream);
  };
  const visible = (stream: string) => {
    const events = streams.get(stream) ?? [];
    const maxCount = metadata.get(stream)?.maxCount;
    return maxCount === undefined ? events : events.slice(Math.max(0, events.length - maxCount));
  };
  const record = (stored: Stored, position: Position) => ({
    event: { streamId: stored.streamId, id: stored.id, revision: stored.revision, type: stored.type, data: stored.data, metadata: stored.metadata, isJson: true, created: stored.created, position },
  });
  async function* iterate<T>(items: T[]) {
    for (const item of items) yield item;
  }

  const client = {
    async appendToStream(stream: string, events: EventData | EventData[], options: { streamState?: AppendStreamState } = {}) {
      const list = Array.isArray(events) ? events : [events];
      if (tombstoned.has(stream)) throw StreamDeletedError.fromStreamName(stream);
      const existing = streams.get(stream) ?? [];
      const current = existing.length ? BigInt(existing.length - 1) : undefined;
      const expected = options.streamState ?? 'any';
      const ok =
        expected === 'any' ||
        (expected === 'no_stream' && current === undefined) ||
        (expected === 'stream_exists' && current !== undefined) ||
        (typeof expected === 'bigint' && current === expected);
      if (!ok) throw new WrongExpectedVersionError(undefined, { streamName: stream, current: current ?? 'no_stream', expected });
      const transaction = nextOffset;
      const written = list.map((event, index) => {
        const stored: Stored = {
          streamId: stream,
          id: event.id,
          revision: BigInt(existing.length + index),
          type: event.type,
          data: event.data,
          metadata: event.metadata,
          isJson: true,
          created: new Date(),
          prepare: nextOffset,
          transaction,
        };
        nextOffset += 100n;
        return stored;
      });
      streams.set(stream, [...existing, ...written]);
      log.push(...written);
      for (const feed of feeds) for (const stored of written) if (matches(feed.filter, stored.streamId)) feed.emit('data', record(stored, { commit: stored.prepare, prepare: stored.prepare }));
      return { success: true, nextExpectedRevision: BigInt(existing.length + written.length - 1), position: { commit: transaction, prepare: transaction } };
    },

    readStream(stream: string, options: { direction?: string; fromRevision?: ReadRevision; maxCount?: number | bigint } = {}) {
      if (tombstoned.has(stream)) {
        return (async function* () {
          yield* [];
          throw StreamDeletedError.fromStreamName(stream);
        })();
      }
      if (!streams.has(stream)) {
        return (async function* () {
          yield* [];
          throw new StreamNotFoundError(undefined, stream);
        })();
      }
      const backwards = options.direction === BACKWARDS;
      let events = visible(stream);
      const from = options.fromRevision ?? (backwards ? END : START);
      if (typeof from === 'bigint') events = events.filter((event) => (backwards ? event.revision <= from : event.revision >= from));
      if (backwards) events = [...events].reverse();
      return iterate(events.slice(0, Number(options.maxCount ?? Number.MAX_SAFE_INTEGER)).map((stored) => record(stored, { commit: stored.transaction, prepare: stored.prepare })));
    },

    readAll(options: { fromPosition?: ReadPosition; maxCount?: number | bigint; filter?: Filter } = {}) {
      const from = options.fromPosition ?? START;
      const events = log.filter((stored) => (typeof from === 'object' ? stored.prepare >= from.prepare : from === START) && matches(options.filter, stored.streamId));
      return iterate(events.slice(0, Number(options.maxCount ?? Number.MAX_SAFE_INTEGER)).map((stored) => record(stored, { commit: stored.prepare, prepare: stored.prepare })));
    },

    subscribeToAll(options: { filter?: Filter } = {}) {
      const feed = Object.assign(new EventEmitter(), {
        filter: options.filter,
        async unsubscribe() {
          feeds.delete(feed);
        },
      });
      if (refuseLive) {
        setImmediate(() => feed.emit('error', Object.assign(new Error('connect ECONNREFUSED'), { code: 14 })));
      } else {
        feeds.add(feed);
        setImmediate(() => feed.emit('confirmation'));
      }
      return feed;
    },

    async getStreamMetadata(stream: string) {
      const found = metadata.get(stream);
      return found ? { streamName: stream, metadata: found } : { streamName: stream };
    },

    async setStreamMetadata(stream: string, value: StreamMetadata) {
      metadata.set(stream, value);
      return { success: true, nextExpectedRevision: 0n };
    },

    // Soft delete: the stream reads as missing and may be written again (from revision 0 here; a
    // real server goes on from the old revision). Both leave the events in the log ($all) until a scavenge.
    async deleteStream(stream: string) {
      if (tombstoned.has(stream)) throw StreamDeletedError.fromStreamName(stream);
      if (!streams.has(stream)) throw new StreamNotFoundError(undefined, stream);
      streams.delete(stream);
      return { position: { commit: nextOffset, prepare: nextOffset } };
    },

    async tombstoneStream(stream: string) {
      if (tombstoned.has(stream)) throw StreamDeletedError.fromStreamName(stream);
      tombstoned.add(stream);
      streams.delete(stream);
      return { position: { commit: nextOffset, prepare: nextOffset } };
    },

    async dispose() {
      feeds.clear();
    },
  };

  return {
    client: client as unknown as KurrentDbClient,
    metadata,
    /** Every event in the log, deleted streams' too (what the database's chunks hold before a scavenge). */
    log: () => log,
    /** Every event ever appended to `stream` (what the store holds before a scavenge). */
    stored: (stream: string) => streams.get(stream)?.length ?? 0,
    /** Fails every open live subscription; `refuse` keeps new ones failing until `heal`. */
    breakLive(refuse: boolean) {
      refuseLive = refuse;
      for (const feed of [...feeds]) {
        feeds.delete(feed);
        feed.emit('error', Object.assign(new Error('stream removed'), { code: 14 }));
      }
    },
    heal() {
      refuseLive = false;
    },
  };
}
