import type { Logger } from 'pino';
import { encodeFaxEvent } from '../domain/faxEventMessage.js';
import type { Bus, TopicOptions } from '../ports/bus.js';
import type { EventStore, RecordedEvent, Subscription } from '../ports/eventStore.js';
import { createPublishBatcher, type PublishBatcher } from './publishBatcher.js';

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
 * publishes every fax event to the bus (key = fax id, so one fax's events keep their order).
 * Events are collected into batches while the previous batch is in flight; the checkpoint moves
 * only after the bus acknowledged a batch, so a crash or outage re-publishes, never skips.
 */
export function createEventPublisher(deps: EventPublisherDeps): EventPublisher {
  const checkpointName = deps.checkpointName ?? `bus-publisher:${deps.topic}`;
  const logger = deps.logger.child({ component: 'eventPublisher', topic: deps.topic });
  let subscription: Subscription | undefined;
  let batcher: PublishBatcher<RecordedEvent> | undefined;

  return {
    async start() {
      await deps.bus.ensureTopic(deps.topic, deps.topicOptions);
      const after = (await deps.eventStore.checkpoints.load(checkpointName)) ?? 0;
      const current = createPublishBatcher<RecordedEvent>({
        initialCheckpoint: after,
        maxBatch: deps.maxBatch ?? 2_000,
        positionOf: (event) => event.position,
        publish: (events) => deps.bus.publish(deps.topic, events.map(encodeFaxEvent)),
        saveCheckpoint: (position) => deps.eventStore.checkpoints.save(checkpointName, position),
        logger,
      });
      batcher = current;
      subscription = deps.eventStore.subscribeToAll({
        after,
        streamPrefixes: ['fax-'],
        handler: (event) => current.add(event),
        onError: (error) => logger.error({ err: error }, 'event publisher stopped: fax events no longer reach the bus'),
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
