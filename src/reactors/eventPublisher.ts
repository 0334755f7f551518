import type { Logger } from 'pino';
import { encodeFaxEvent, type EncodedFaxEvent } from '../domain/faxEventMessage.js';
import type { Bus, TopicOptions } from '../ports/bus.js';
import type { EventStore, RecordedEvent, Subscription } from '../ports/eventStore.js';
import { createParkedEventLog, type ParkedEventLog } from './parkedEvents.js';
import { createPublishBatcher, type PublishBatcher } from './publishBatcher.js';
import { startReactorSubscription, type ReactorRetryPolicy } from './reactorSubscription.js';

/**
 * An event with its bus message, encoded when it was read (so an event that cannot be encoded is
 * found there); none when no consumer reads the topic.
 */
interface Outgoing {
  event: RecordedEvent;
  message?: EncodedFaxEvent;
}

export interface EventPublisherDeps {
  eventStore: EventStore;
  bus: Bus;
  /** Where fax events go, e.g. `faxengine.fax-events`. */
  topic: string;
  /** Used when the topic has to be created. */
  topicOptions?: TopicOptions;
  logger: Logger;
  /** Checkpoint name in the event store; one per topic a publisher feeds. */
  checkpointName?: string;
  /** Most events per bus publish. Default 2,000. */
  maxBatch?: number;
  /** How long `stop()` lets a publish in flight finish before leaving it to the next start. Default 5 s. */
  stopGraceMs?: number;
  /** Where events it cannot encode, or the bus refuses, are parked (shared with the other reactors for the admin API). */
  parked?: ParkedEventLog;
  retry?: Partial<ReactorRetryPolicy>;
}

export interface EventPublisher {
  /** Creates the topic if missing, then publishes from the checkpoint on and follows new events. */
  start(): Promise<void>;
  /** Resolves once every fax event up to `position` is acknowledged by the bus and checkpointed. */
  waitUntilPublished(position: number, timeoutMs?: number): Promise<void>;
  /** Position of the last fax event the bus acknowledged (and the saved checkpoint). */
  readonly checkpoint: number;
  stop(): Promise<void>;
}

/**
 * The outbox reactor: a checkpointed subscription on the event store's `fax-` streams that
 * publishes every fax event to the bus (key = fax id, so one fax's events keep their order), or
 * only moves its checkpoint while the bus knows that no consumer reads the topic.
 * Events are collected into batches while the previous batch is in flight; the checkpoint moves
 * only after the bus acknowledged a batch, so a crash or outage re-publishes, never skips.
 */
export function createEventPublisher(deps: EventPublisherDeps): EventPublisher {
  const checkpointName = deps.checkpointName ?? `bus-publisher:${deps.topic}`;
  const logger = deps.logger.child({ component: 'eventPublisher', topic: deps.topic });
  let subscription: Subscription | undefined;
  let batcher: PublishBatcher<Outgoing> | undefined;
  const parked = deps.parked ?? createParkedEventLog(deps.eventStore);
  // Messages no consumer would ever read (the in-process bus in `serve`) are neither encoded nor
  // kept: a fax event cost a JSON encoding and a copy held in memory for nothing. The checkpoint
  // still moves, so a consumer that joins, or Kafka configured later, starts from the events then.
  const unread = () => deps.bus.hasConsumers?.(deps.topic) === false;

  return {
    async start() {
      await deps.bus.ensureTopic(deps.topic, deps.topicOptions);
      const after = (await deps.eventStore.checkpoints.load(checkpointName)) ?? 0;
      const current = createPublishBatcher<Outgoing>({
        initialCheckpoint: after,
        maxBatch: deps.maxBatch ?? 2_000,
        positionOf: (item) => item.event.position,
        publish: (items) => {
          const messages = items.flatMap((item) => (item.message ? [item.message] : []));
          return messages.length === 0 ? Promise.resolve() : deps.bus.publish(deps.topic, messages);
        },
        saveCheckpoint: (position) => deps.eventStore.checkpoints.save(checkpointName, position),
        logger,
        // A message the bus refuses for good is parked like an event the reactor cannot handle.
        park: async ({ event }, error, attempts) => {
          await parked.park(checkpointName, event, error, attempts);
          const at = { err: error, eventId: event.id, stream: event.stream, type: event.type, position: event.position, attempts };
          logger.error(at, 'the bus refused a fax event; parked it and going on with the next (see GET /v1/admin/parked-events)');
        },
        ...(deps.retry?.attemptsBeforeParking ? { attemptsBeforeParking: deps.retry.attemptsBeforeParking } : {}),
        ...(deps.retry?.firstDelayMs ? { retryFirstDelayMs: deps.retry.firstDelayMs } : {}),
      });
      batcher = current;
      subscription = await startReactorSubscription({
        name: checkpointName,
        eventStore: deps.eventStore,
        after,
        streamPrefixes: ['fax-'],
        handle: (event) => current.add(unread() ? { event } : { event, message: encodeFaxEvent(event) }),
        parked,
        logger,
        ...(deps.retry ? { retry: deps.retry } : {}),
        onCaughtUp: () => logger.info({ checkpoint: current.checkpoint }, 'event publisher caught up'),
      });
      logger.info({ after }, 'event publisher started');
    },

    waitUntilPublished(position, timeoutMs = 10_000) {
      if (!batcher) return Promise.reject(new Error('the event publisher has not started'));
      return batcher.waitFor(position, timeoutMs);
    },

    get checkpoint() {
      return batcher?.checkpoint ?? 0;
    },

    async stop() {
      // Stop intake first: the handler may be waiting for room in the batcher, which close() frees.
      const stopping = subscription?.stop();
      await batcher?.close(deps.stopGraceMs ?? 5_000);
      await stopping;
      subscription = undefined;
    },
  };
}
