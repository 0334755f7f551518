import type { Logger } from 'pino';
import { EventStoreUnavailableError, type EventStore, type RecordedEvent, type Subscription } from '../ports/eventStore.js';
import { createStopSignal } from '../domain/stopSignal.js';
import type { ParkedEventLog } from './parkedEvents.js';

export interface ReactorRetryPolicy {
  /** Failures of one event before it is parked. Default 6. */
  attemptsBeforeParking: number;
  /** First wait after a failure; doubles up to `maxDelayMs`. Default 500 ms. */
  firstDelayMs: number;
  maxDelayMs: number;
}

export const defaultReactorRetry: ReactorRetryPolicy = { attemptsBeforeParking: 6, firstDelayMs: 500, maxDelayMs: 30_000 };

export interface ReactorSubscriptionOptions {
  /** The reactor's name: its parked events go to `reactor-<name>`. */
  name: string;
  eventStore: EventStore;
  streamPrefixes: readonly string[];
  /** Position to start after (the reactor's checkpoint). */
  after: number;
  /** The reactor's work for one event. A throw is retried with back-off, then the event is parked. */
  handle(event: RecordedEvent): void | Promise<void>;
  /** After an event was handled or parked, e.g. to save the checkpoint. A throw here is logged, not retried. */
  settled?(event: RecordedEvent): void | Promise<void>;
  parked: ParkedEventLog;
  logger: Logger;
  retry?: Partial<ReactorRetryPolicy>;
  onCaughtUp?(): void;
}

/**
 * The one way reactors follow the event store. A handler that throws is retried with exponential
 * back-off; after `attemptsBeforeParking` failures of the same event, the event is parked (recorded
 * in `reactor-<name>`, logged at error, listed by the admin API) and the reactor goes on with the
 * next one. An unreachable event store is waited out, never a reason to park. If the subscription
 * itself fails (a read error), it is started again from the last settled event. A parked event
 * seen again (a restart before the checkpoint moved past it) is skipped.
 */
export async function startReactorSubscription(options: ReactorSubscriptionOptions): Promise<Subscription> {
  const retry = { ...defaultReactorRetry, ...options.retry };
  const logger = options.logger.child({ reactor: options.name });
  await options.parked.load(options.name);
  let lastSettled = options.after;
  let stopped = false;
  let current: Subscription | undefined;
  const stopRequested = createStopSignal();
  const pause = (ms: number) => stopRequested.sleep(ms);
  const delay = (failures: number) => Math.min(retry.maxDelayMs, retry.firstDelayMs * 2 ** (failures - 1));

  /** Handles the event; false when stopped before it was done (it is then left for the next start). */
  async function handleWithRetries(event: RecordedEvent): Promise<boolean> {
    let failures = 0;
    for (let tries = 1; ; tries++) {
      try {
        await options.handle(event);
        if (tries > 1) logger.info({ eventId: event.id, tries }, 'reactor handled the event after retrying');
        return true;
      } catch (error) {
        if (stopped) return false;
        const unavailable = error instanceof EventStoreUnavailableError;
        if (!unavailable) failures++;
        const at = { err: error, eventId: event.id, stream: event.stream, type: event.type, position: event.position, failures };
        if (!unavailable && failures >= retry.attemptsBeforeParking) {
          await options.parked.park(options.name, event, error, failures);
          logger.error(at, 'reactor parked an event it failed on repeatedly and goes on with the next (see GET /v1/admin/parked-events)');
          return true;
        }
        if (tries === 1 || tries % 10 === 0) logger.warn(at, unavailable ? 'event store unavailable; reactor waiting' : 'reactor failed on an event; retrying');
        await pause(delay(Math.min(tries, 8)));
        if (stopped) return false;
      }
    }
  }

  async function deliver(event: RecordedEvent): Promise<void> {
    if (stopped) return;
    if (!options.parked.isParked(options.name, event.id)) {
      if (!(await handleWithRetries(event))) return;
    }
    try {
      await options.settled?.(event);
    } catch (error) {
      // Reactors are idempotent: at worst the next start handles this event again.
      logger.warn({ err: error, position: event.position }, 'reactor could not record its progress');
    }
    lastSettled = event.position;
  }

  let caughtUp = false;
  const onCaughtUp = () => {
    if (caughtUp) return;
    caughtUp = true;
    options.onCaughtUp?.();
  };

  function subscribe(failures: number): void {
    if (stopped) return;
    current = options.eventStore.subscribeToAll({
      after: lastSettled,
      streamPrefixes: options.streamPrefixes,
      handler: deliver,
      onCaughtUp,
      onError: (error) => {
        if (stopped) return;
        logger.warn({ err: error, after: lastSettled, failures: failures + 1 }, 'reactor subscription failed; starting it again');
        void pause(delay(Math.min(failures + 1, 8))).then(() => subscribe(failures + 1));
      },
    });
  }
  subscribe(0);

  return {
    get lastPosition() {
      return lastSettled;
    },
    async stop() {
      stopped = true;
      stopRequested.request();
      await current?.stop();
    },
  };
}

/**
 * A reactor subscription that keeps its own checkpoint under its name: it resumes after the saved
 * position and saves each event's position once the event is handled or parked.
 */
export async function startCheckpointedReactor(options: Omit<ReactorSubscriptionOptions, 'after' | 'settled'>): Promise<Subscription> {
  const { eventStore, name } = options;
  return startReactorSubscription({
    ...options,
    after: (await eventStore.checkpoints.load(name)) ?? 0,
    settled: (event) => eventStore.checkpoints.save(name, event.position),
  });
}
