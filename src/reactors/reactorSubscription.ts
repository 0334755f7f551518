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

export interface CheckpointedReactorOptions extends Omit<ReactorSubscriptionOptions, 'after' | 'settled'> {
  /**
   * The event types the handler may act on (append, send, delete: anything outside this process's
   * memory). After one of them the checkpoint is saved before the next event is taken, so a crash
   * never makes it act twice. Any other event the handler only looks at, so its position is saved
   * lazily: within `lazyCheckpointMs`, with the next acting event, or at stop; a crash before that
   * only makes it look at those events again. Most fax events concern no reactor: saving each one's
   * position was a write per reactor per event. Absent: every event is saved before the next.
   */
  actsOn?: ReadonlySet<string>;
  /** Longest time the position of an event not acted on waits before it is saved. Default 200 ms. */
  lazyCheckpointMs?: number;
}

/**
 * A reactor subscription that keeps its own checkpoint under its name: it resumes after the saved
 * position and saves the positions of events it handled or parked (see `actsOn` for when).
 */
export async function startCheckpointedReactor(options: CheckpointedReactorOptions): Promise<Subscription> {
  const { eventStore, name, actsOn, lazyCheckpointMs = 200 } = options;
  const logger = options.logger.child({ reactor: name });
  /** Position of the last event settled without a save, while no save has covered it. */
  let unsaved: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  /** The timer's save while it runs: stop waits for it, so nothing writes after the store may close. */
  let saving: Promise<void> = Promise.resolve();
  /** Position of the newest save asked for: a failed lazy save is retried only if none came after it. */
  let newestSave = 0;
  const save = (position: number) => {
    newestSave = position;
    return eventStore.checkpoints.save(name, position);
  };

  /** The lazily kept position, taken: no timer is left to save it. */
  function takeUnsaved(): number | undefined {
    clearTimeout(timer);
    timer = undefined;
    const position = unsaved;
    unsaved = undefined;
    return position;
  }

  /** Saves the lazily kept position; positions only grow, since events are settled in order. */
  function saveUnsaved(): Promise<void> {
    const position = takeUnsaved();
    if (position === undefined) return saving;
    saving = save(position).catch((error: unknown) => {
      // Kept for the next save (a later event's, or stop's), unless a later position was saved
      // since: saving this one then would move the checkpoint back before an acting event.
      if (newestSave === position) unsaved ??= position;
      logger.warn({ err: error, position }, 'reactor could not record its progress; the next save will');
    });
    return saving;
  }

  const subscription = await startReactorSubscription({
    ...options,
    after: (await eventStore.checkpoints.load(name)) ?? 0,
    settled: (event) => {
      if (!actsOn || actsOn.has(event.type)) {
        // This save covers the position kept lazily too.
        takeUnsaved();
        return save(event.position);
      }
      unsaved = event.position;
      timer ??= setTimeout(() => void saveUnsaved(), lazyCheckpointMs).unref();
    },
  });
  return {
    get lastPosition() {
      return subscription.lastPosition;
    },
    async stop() {
      await subscription.stop();
      await saveUnsaved();
    },
  };
}
