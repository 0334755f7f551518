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
  type RecordedEvent,
} from '../../../ports/eventStore.js';
import { startPullSubscription } from '../pullSubscription.js';
import { createKurrentDbCheckpoints } from './kurrentDbCheckpoints.js';

export interface KurrentDbEventStoreOptions {
  /** `kurrentdb://…` or `esdb://…` (KurrentDB / EventStoreDB 22.10+). */
  connectionString: string;
}

const PAGE_LIMIT = 100_000;

/**
 * KurrentDB adapter. Positions are the events' commit positions (byte offsets in the server's
 * log, far below 2^53 for any real store). Subscriptions use the same pull loop as the SQLite
 * adapter, woken by a live server subscription, so both adapters deliver identically.
 */
export function createKurrentDbEventStore(options: KurrentDbEventStoreOptions): EventStore {
  const client = KurrentDBClient.connectionString(options.connectionString.replace(/^kdb/, 'kurrentdb'));
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
      fromPosition: after > 0 ? { commit: BigInt(after), prepare: BigInt(after) } : START,
      // One extra: the server's from-position is inclusive, ours is exclusive.
      maxCount: maxCount + 1,
      // Without prefixes: everything but system streams and our checkpoint streams (SQLite keeps those apart too).
      filter: prefixes.length ? streamNameFilter({ prefixes: [...prefixes] }) : streamNameFilter({ regex: String.raw`^(?!\$|checkpoint-)` }),
    });
    for await (const resolved of read) {
      const event = fromResolved(resolved);
      if (event && event.position > after && events.length < maxCount) events.push(event);
    }
    return events;
  }

  const store: EventStore = {
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
          return { nextExpectedRevision: Number(result.nextExpectedRevision), position: Number(result.position?.commit ?? 0n) };
        } catch (error) {
          if (error instanceof WrongExpectedVersionError) {
            throw new WrongExpectedRevisionError(stream, expected, await store.streamRevision(stream));
          }
          throw error;
        }
      }),

    readStream: (stream, readOptions = {}) =>
      guarded(async () => {
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
            const event = fromResolved(resolved);
            if (event) events.push(event);
          }
        } catch (error) {
          if (error instanceof StreamNotFoundError) return [];
          throw error;
        }
        return events;
      }),

    async streamRevision(stream) {
      const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
      return last?.revision;
    },

    readAll: (readOptions = {}) =>
      guarded(() => readAllFiltered(readOptions.after ?? 0, Math.min(readOptions.maxCount ?? PAGE_LIMIT, PAGE_LIMIT), readOptions.streamPrefixes ?? [])),

    subscribeToAll(subscribeOptions) {
      const prefixes = subscribeOptions.streamPrefixes ?? [];
      let appends = 0;
      let wake: (() => void) | undefined;
      const live = client.subscribeToAll({
        fromPosition: END,
        ...(prefixes.length ? { filter: streamNameFilter({ prefixes: [...prefixes] }) } : {}),
      });
      live.on('data', () => {
        appends += 1;
        wake?.();
      });
      live.on('error', (error) => subscribeOptions.onError?.(translateError(error)));
      const subscription = startPullSubscription(
        {
          readPage: async (after, maxCount) => ({ events: await guarded(() => readAllFiltered(after, maxCount, prefixes)), coveredUpTo: after }),
          appendCount: () => appends,
          waitForAppend: (since) => (since !== appends ? Promise.resolve() : new Promise<void>((resolve) => (wake = resolve))),
        },
        subscribeOptions,
      );
      const handle = {
        get lastPosition() {
          return subscription.lastPosition;
        },
        async stop() {
          subscriptions.delete(handle);
          await live.unsubscribe();
          await subscription.stop();
        },
      };
      subscriptions.add(handle);
      return handle;
    },

    checkpoints: createKurrentDbCheckpoints((stream, events, expected) => store.append(stream, events, expected), (stream) =>
      store.readStream(stream, { direction: 'backwards', maxCount: 1 }),
    ),

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
}

function toStreamState(expected: ExpectedRevision): AppendStreamState {
  return typeof expected === 'number' ? BigInt(expected) : expected;
}

function fromResolved(resolved: AllStreamResolvedEvent | ResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event || !event.isJson || event.type.startsWith('$')) return undefined;
  return {
    id: event.id,
    stream: event.streamId,
    type: event.type,
    data: event.data,
    metadata: (event.metadata ?? {}) as RecordedEvent['metadata'],
    revision: Number(event.revision),
    position: Number(event.position?.commit ?? resolved.commitPosition ?? 0n),
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
