import type { LeaseStore } from './leaseStore.js';

/**
 * The event store port: append-only streams with optimistic concurrency, a total global order,
 * and checkpointed catch-up subscriptions. Implemented by `adapters/eventStore/sqlite` (embedded
 * default) and `adapters/eventStore/kurrentdb`; both pass `test/integration/eventStore.conformance.test.ts`.
 *
 * Revisions are per stream and start at 0 (the first event of a stream has revision 0).
 * Positions are global, strictly increasing in append order, and always > 0; position 0 means
 * "before the first event", so a checkpoint of 0 (or none) replays everything.
 */

/** Free-form metadata; the conventional keys are documented in DESIGN.md. */
export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  [key: string]: unknown;
}

/** An event to append. `id` is generated (UUID v4) when absent; supply it to make retries idempotent upstream. */
export interface NewEvent<Data = unknown> {
  type: string;
  data: Data;
  metadata?: EventMetadata;
  id?: string;
}

/** An event as stored. */
export interface RecordedEvent<Data = unknown> {
  id: string;
  stream: string;
  type: string;
  data: Data;
  metadata: EventMetadata;
  /** Position within its stream, from 0. */
  revision: number;
  /** Position in the store's total order. */
  position: number;
  /** ISO-8601 time the store recorded it. */
  created: string;
}

/**
 * What the writer believes about the stream before appending:
 * `any` (no check), `no_stream` (must not exist yet), `stream_exists`, or the exact revision of its last event.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendResult {
  /** Revision of the last event written: the expected revision for the next append. */
  nextExpectedRevision: number;
  /** Global position of the last event written. */
  position: number;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive start revision; defaults to the first (forwards) or last (backwards) event. */
  fromRevision?: number;
  maxCount?: number;
}

/** What a projection folds: an event without its id, metadata and creation time. */
export type EventData = Pick<RecordedEvent, 'position' | 'stream' | 'revision' | 'type' | 'data' | 'created'>;

export interface ReadAllOptions {
  /** Exclusive: events with a position greater than this. Defaults to 0 (everything). */
  after?: number;
  maxCount?: number;
  /** Only streams whose name starts with one of these prefixes (e.g. `fax-`). */
  streamPrefixes?: readonly string[];
}

export interface SubscribeOptions extends Omit<ReadAllOptions, 'maxCount'> {
  /**
   * Called once per event, in global order. The next event is not delivered until the returned
   * promise settles, so a handler can save its checkpoint safely. A throw stops the subscription
   * and is reported to `onError`.
   */
  handler: (event: RecordedEvent) => void | Promise<void>;
  onError?: (error: unknown) => void;
  /** Called once when the subscription has delivered everything that existed when it started. */
  onCaughtUp?: () => void;
}

export interface Subscription {
  /** Stops delivery; resolves once no handler call is running. */
  stop(): Promise<void>;
  /** Position of the last event handed to the handler and settled (the safe checkpoint). */
  readonly lastPosition: number;
}

export interface EventStore {
  append(stream: string, events: readonly NewEvent[], expected?: ExpectedRevision): Promise<AppendResult>;
  /** Events of one stream; an empty array when the stream does not exist. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Revision of the stream's last event, or undefined when it has none. */
  streamRevision(stream: string): Promise<number | undefined>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * Optional: `readAll` without each event's id and metadata, for catch-ups that fold only what
   * happened and when (projections: a catch-up must fold exactly what live events fold). Cheaper where the store can skip reading and parsing them.
   */
  readAllData?(options?: ReadAllOptions): Promise<EventData[]>;
  subscribeToAll(options: SubscribeOptions): Subscription;
  /** Checkpoints for subscribers, kept beside the events. */
  readonly checkpoints: CheckpointStore;
  /**
   * Leases for instances that share this store (every adapter has them). A store without them
   * would serve one faxengine instance only (the composition root then keeps leases in memory).
   */
  readonly leases?: LeaseStore;
  /** Throws EventStoreUnavailableError when the store cannot be reached. */
  ping(): Promise<void>;
  /**
   * True when appends are applied in the order they were called (one writer queue), so a writer
   * may issue its next append, with the revision it will have, before the previous one resolved.
   */
  readonly appendsInCallOrder?: boolean;
  close(): Promise<void>;
}

/** Subscriber name → position of the last event it has fully processed. */
export interface CheckpointStore {
  load(name: string): Promise<number | undefined>;
  save(name: string, position: number): Promise<void>;
}

/** The stream was not at the revision the writer expected; nothing was written. */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** The stream's actual last revision, or undefined when it does not exist. */
    readonly actual: number | undefined,
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, actual ${actual ?? 'no stream'}`);
  }
}

/** The store cannot be reached (file unwritable, server down, connection refused). */
export class EventStoreUnavailableError extends Error {
  override readonly name = 'EventStoreUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
