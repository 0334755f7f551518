import {
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AppendStreamState,
  type JSONType,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import {
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
  type EventStore,
  type ExpectedRevision,
  type ReadStreamOptions,
  type RecordedEvent,
} from '../../../ports/eventStore.js';
import type { LeaseStore } from '../../../ports/leaseStore.js';
import { startPullSubscription } from '../pullSubscription.js';
import { createKurrentDbCheckpoints, type EnsureMaxCount } from './kurrentDbCheckpoints.js';
import { createKurrentDbLeases } from './kurrentDbLeases.js';
import { createLiveSignal } from './kurrentDbLiveSignal.js';
import { positionOfEvent, readAllFrom } from './kurrentDbPositions.js';

export interface KurrentDbEventStoreOptions {
  /** `kurrentdb://…` or `esdb://…` (KurrentDB / EventStoreDB 22.10+). */
  connectionString: string;
  /**
   * Told when the live subscription that wakes subscribers fails (it is reopened with back-off, and
   * subscribers keep reading meanwhile). Default: a process warning, so it is never silent.
   */
  onConnectionError?: (error: unknown) => void;
  /** This instance's clock for lease expiry (ms since the epoch); default Date.now. */
  now?: () => number;
  /** For tests: a client (or a stand-in with the same methods) instead of one from the connection string. */
  client?: KurrentDbClient;
}

/** The client methods the adapter uses. */
export type KurrentDbClient = Pick<
  KurrentDBClient,
  'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'getStreamMetadata' | 'setStreamMetadata' | 'deleteStream' | 'tombstoneStream' | 'dispose'
>;

/** Streams faxengine keeps for itself (checkpoints, leases, personal data keys), left out of an unfiltered readAll (SQLite keeps them apart too). */
const OWN_STREAMS = String.raw`^(?!\$|checkpoint-|lease-|leases$|faxkey-)`;

const PAGE_LIMIT = 100_000;

/**
 * KurrentDB adapter. Positions are the events' prepare positions (kurrentDbPositions.ts says why).
 * Subscriptions use the same pull loop as the SQLite adapter, woken by a live server subscription
 * that reopens itself after failures, so both adapters deliver identically.
 */
export function createKurrentDbEventStore(options: KurrentDbEventStoreOptions): EventStore & { readonly leases: LeaseStore } {
  const client: KurrentDbClient = options.client ?? KurrentDBClient.connectionString(options.connectionString.replace(/^kdb/, 'kurrentdb'));
  const onConnectionError =
    options.onConnectionError ?? ((error: unknown) => process.emitWarning(`KurrentDB live subscription failed, reopening it: ${(error as Error)?.message ?? String(error)}`));
  const subscriptions = new Set<{ stop(): Promise<void> }>();

  async function guarded<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw translateError(error);
    }
  }

  async function readAllFiltered(after: number, maxCount: number, prefixes: readonly string[]): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    const read = client.readAll({
      direction: FORWARDS,
      fromPosition: readAllFrom(after),
      // One extra: the server's from-position is inclusive, ours is exclusive.
      maxCount: maxCount + 1,
      filter: filterFor(prefixes),
    });
    for await (const resolved of read) {
      const event = fromResolved(resolved, 'all');
      if (event && event.position > after && events.length < maxCount) events.push(event);
    }
    return events;
  }

  const ensureMaxCount: EnsureMaxCount = (stream, maxCount) =>
    guarded(async () => {
      const { metadata } = await client.getStreamMetadata(stream);
      if (metadata?.maxCount === maxCount) return;
      await client.setStreamMetadata(stream, { ...metadata, maxCount });
    });

  const store: EventStore & { readonly leases: LeaseStore } = {
    append: (stream, events, expected = 'any') =>
      guarded(async () => {
        try {
          const result = await client.appendToStream(
            stream,
            events.map((event) =>
              jsonEvent({ type: event.type, data: event.data as JSONType, metadata: (event.metadata ?? {}) as JSONType, ...(event.id ? { id: event.id } : {}) }),
            ),
            { streamState: toStreamState(expected) },
          );
          const nextExpectedRevision = Number(result.nextExpectedRevision);
          const answered = positionOfEvent(result.position, 'stream');
          if (events.length === 1) return { nextExpectedRevision, position: answered };
          // The server answers an append with the position of its commit, which for several events
          // need not be the last event's own position (the port's promise): read that event back.
          // The append has happened: a failed read-back must not report it as failed (a retry would
          // write it twice), so it falls back to the server's answer.
          const last = await readStreamEvents(stream, { fromRevision: nextExpectedRevision, maxCount: 1 }).catch(() => []);
          return { nextExpectedRevision, position: last[0]?.position || answered };
        } catch (error) {
          if (error instanceof WrongExpectedVersionError) {
            throw new WrongExpectedRevisionError(stream, expected, await store.streamRevision(stream));
          }
          throw error;
        }
      }),

    readStream: (stream, readOptions = {}) => guarded(() => readStreamEvents(stream, readOptions)),

    async streamRevision(stream) {
      const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
      return last?.revision;
    },

    readAll: (readOptions = {}) =>
      guarded(() => readAllFiltered(readOptions.after ?? 0, Math.min(readOptions.maxCount ?? PAGE_LIMIT, PAGE_LIMIT), readOptions.streamPrefixes ?? [])),

    subscribeToAll(subscribeOptions) {
      const prefixes = subscribeOptions.streamPrefixes ?? [];
      const signal = createLiveSignal({
        open: () => client.subscribeToAll({ fromPosition: END, filter: filterFor(prefixes) }),
        onFailure: (error) => onConnectionError(translateError(error)),
      });
      const subscription = startPullSubscription(
        {
          readPage: async (after, maxCount) => ({ events: await guarded(() => readAllFiltered(after, maxCount, prefixes)), coveredUpTo: after }),
          appendCount: signal.appendCount,
          waitForAppend: signal.waitForAppend,
        },
        subscribeOptions,
      );
      const handle = {
        get lastPosition() {
          return subscription.lastPosition;
        },
        async stop() {
          subscriptions.delete(handle);
          await signal.stop();
          await subscription.stop();
        },
      };
      subscriptions.add(handle);
      return handle;
    },

    checkpoints: createKurrentDbCheckpoints(
      (stream, events, expected) => store.append(stream, events, expected),
      (stream) => store.readStream(stream, { direction: 'backwards', maxCount: 1 }),
      ensureMaxCount,
    ),

    leases: createKurrentDbLeases({
      append: (stream, events, expected) => store.append(stream, events, expected),
      read: (stream, from) => store.readStream(stream, from === 'last' ? { direction: 'backwards', maxCount: 1 } : { fromRevision: from, maxCount: 1000 }),
      ensureMaxCount,
      now: options.now ?? Date.now,
    }),

    ping: () =>
      guarded(async () => {
        // Any read answered by the server proves it is reachable; a missing stream is an answer too.
        await store.readStream('$faxengine-ping', { maxCount: 1 });
      }),

    async close() {
      await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
      await client.dispose();
    },
  };
  return store;

  async function readStreamEvents(stream: string, readOptions: ReadStreamOptions): Promise<RecordedEvent[]> {
    const backwards = readOptions.direction === 'backwards';
    const from = readOptions.fromRevision;
    const events: RecordedEvent[] = [];
    try {
      const read = client.readStream(stream, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: from === undefined ? (backwards ? END : START) : BigInt(from),
        maxCount: Math.min(readOptions.maxCount ?? PAGE_LIMIT, PAGE_LIMIT),
      });
      for await (const resolved of read) {
        const event = fromResolved(resolved, 'stream');
        if (event) events.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }
}

function filterFor(prefixes: readonly string[]) {
  // Without prefixes: everything but system streams and faxengine's own streams.
  return prefixes.length ? streamNameFilter({ prefixes: [...prefixes] }) : streamNameFilter({ regex: OWN_STREAMS });
}

function toStreamState(expected: ExpectedRevision): AppendStreamState {
  return typeof expected === 'number' ? BigInt(expected) : expected;
}

function fromResolved(resolved: AllStreamResolvedEvent | ResolvedEvent, where: 'all' | 'stream'): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event || !event.isJson || event.type.startsWith('$')) return undefined;
  return {
    id: event.id,
    stream: event.streamId,
    type: event.type,
    data: event.data,
    metadata: (event.metadata ?? {}) as RecordedEvent['metadata'],
    revision: Number(event.revision),
    position: positionOfEvent(event.position, where),
    created: event.created.toISOString(),
  };
}

function translateError(error: unknown): unknown {
  if (error instanceof WrongExpectedRevisionError || error instanceof EventStoreUnavailableError) return error;
  const { type, code } = error as { type?: string; code?: number };
  // gRPC UNAVAILABLE (14) / DEADLINE_EXCEEDED (4), or the client's own unavailable error type.
  if (type === 'unavailable' || type === 'deadline-exceeded' || code === 14 || code === 4) {
    return new EventStoreUnavailableError(`KurrentDB unreachable: ${(error as Error).message}`, { cause: error });
  }
  return error;
}
