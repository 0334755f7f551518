/**
 * The message bus port: keyed messages on topics, consumed by consumer groups. Implemented by
 * `adapters/kafka` (Apache Kafka through kafkajs) and `adapters/inProcessBus` (the embedded default);
 * both pass `test/integration/bus/busContract.ts`.
 *
 * Guarantees, the same for every adapter:
 * - Messages with the same key keep their publish order for every consumer.
 * - Every consumer group gets every message; inside a group, each message goes to one member.
 * - At-least-once: a message counts as consumed only after its handler resolved. A handler that
 *   throws gets the same message again (after a back-off) before anything later with that key; a
 *   member that dies before its handler resolved leaves the message to the group. Handlers must
 *   therefore be idempotent (by event id, for fax events).
 */

/** A message to publish. `key` picks the partition, so messages with one key stay in order. */
export interface BusMessage {
  key: string | null;
  value: string | Uint8Array;
  headers?: Readonly<Record<string, string>>;
}

/** A message as a consumer receives it. */
export interface ReceivedMessage {
  topic: string;
  partition: number;
  /** Position within the partition, as a decimal string (Kafka offsets exceed 2^53 in theory). */
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  /** Milliseconds since the epoch when the bus stored the message. */
  timestamp: number;
}

export interface TopicOptions {
  /** Default 3. Only used when the topic is created; an existing topic is left as it is. */
  partitions?: number;
  /** Default 1. Ignored by the in-process bus. */
  replicationFactor?: number;
  /**
   * The longest a message is kept (Kafka `retention.ms`, with segments rolled daily so whole
   * segments expire on time), set on a new topic and on an existing one; unset: the broker's
   * default. Ignored by the in-process bus (it keeps nothing on disk).
   */
  retentionMs?: number;
}

export interface SubscribeToTopic {
  topic: string;
  /** Consumer group: members with the same group share the work; each group sees everything. */
  group: string;
  /**
   * Awaited before the message counts as consumed. Throwing means "not handled": the message is
   * delivered again, and later messages of its partition wait.
   */
  handler: (message: ReceivedMessage) => Promise<void>;
  /** Where a group with no committed position starts: the oldest retained message, or only new ones (default). */
  fromBeginning?: boolean;
  /** Called with each handler failure before the message is redelivered (for logging and metrics). */
  onHandlerError?: (error: unknown, message: ReceivedMessage) => void;
}

export interface BusSubscription {
  /** Lets a running handler finish, records what was handled, and leaves the group. */
  stop(): Promise<void>;
}

export interface Bus {
  /** Creates the topic when it does not exist; resolves when it is ready for use. */
  ensureTopic(topic: string, options?: TopicOptions): Promise<void>;
  /**
   * Appends the messages in order and resolves once the bus has acknowledged all of them (for Kafka:
   * written to every in-sync replica). A rejection means some may have been stored: publish again;
   * a PublishRejectedError means the bus will never take these messages as they are.
   */
  publish(topic: string, messages: readonly BusMessage[]): Promise<void>;
  /** Joins the group; resolves once this member takes part in it (has its share of partitions). */
  subscribe(options: SubscribeToTopic): Promise<BusSubscription>;
  /**
   * False when the bus knows that no consumer group reads `topic` now: the in-process bus, whose
   * consumers can only be in this process (in `serve` there are none: without Kafka the notifiers
   * follow the event store). Kafka leaves it out: its consumers are elsewhere, and read later.
   */
  hasConsumers?(topic: string): boolean;
  /** Stops every subscription and releases connections. */
  close(): Promise<void>;
}

/**
 * The bus refused the messages themselves (too large, malformed), as opposed to being unreachable:
 * publishing the same messages again cannot succeed. Adapters throw it from `publish` so a
 * publisher can find the message at fault and set it aside instead of retrying for ever.
 */
export class PublishRejectedError extends Error {
  override readonly name = 'PublishRejectedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface RedeliveryControl {
  /** False once the subscription stops or loses the partition: give the message back unhandled. */
  active(): boolean;
  /** Called while waiting between attempts, e.g. to keep a Kafka group membership alive. */
  keepAlive?(): Promise<void>;
  /** Wait before the second attempt, doubling up to 30 s. Default 100 ms. */
  firstDelayMs?: number;
}

/**
 * The redelivery rule both adapters share: call the handler until it resolves, backing off after
 * each failure. Returns true once handled, false when `active()` turned false first.
 */
export async function deliverUntilHandled(
  message: ReceivedMessage,
  subscription: Pick<SubscribeToTopic, 'handler' | 'onHandlerError'>,
  control: RedeliveryControl,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      await subscription.handler(message);
      return true;
    } catch (error) {
      subscription.onHandlerError?.(error, message);
    }
    const until = Date.now() + Math.min(30_000, (control.firstDelayMs ?? 100) * 2 ** (attempt - 1));
    while (control.active() && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(250, until - Date.now())));
      await control.keepAlive?.();
    }
    if (!control.active()) return false;
  }
}
