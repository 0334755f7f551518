import type { Logger } from 'pino';
import type { NotificationEvent } from '../domain/notifications/notificationEvents.js';
import { notifiable, planNotifications, type PlannedNotification } from '../domain/notifications/notificationPlan.js';
import { isDue, newNotificationState, nextAttemptAt, notificationStates, type NotificationState } from '../domain/notifications/notificationState.js';
import { faxStream } from '../domain/streams.js';
import type { Clock } from '../ports/clock.js';
import { WrongExpectedRevisionError, type EventStore, type NewEvent, type RecordedEvent } from '../ports/eventStore.js';
import type { AttemptOutcome } from './attemptOutcome.js';
import { createKeyedLock } from './keyedLock.js';

export interface NotifierDeps {
  eventStore: EventStore;
  clock: Clock;
  logger: Logger;
  /** Waits after the 1st, 2nd, … failed attempt of a round; after the last, dead-lettered. */
  retrySchedule: readonly number[];
  /** Makes one attempt; never throws (a thrown error counts as a passing failure). */
  attempt(notification: PlannedNotification, attempt: number): Promise<AttemptOutcome>;
  /** Told when a notification of the fax waits for a retry at `at` (ISO), to arm a timer. */
  onRetryDue?(faxId: string, at: string): void;
  /**
   * Asked before each attempt: false once this instance must stop sending (it is shutting down or
   * lost the notifiers' lease). What was made is still recorded; `process` then rejects, so the
   * caller does not count the fax as done and the instance that takes over makes the rest.
   */
  mayAttempt?(): boolean;
  random?: () => number;
}

export interface Notifier {
  /**
   * Makes every notification of the fax that is due now (never tried, redelivery requested, or its
   * retry time passed) and appends the outcomes to the fax's stream; resolves once they are stored.
   * Safe to call any number of times: the stream says what was done already.
   */
  process(faxId: string): Promise<void>;
}

type Made = { notification: PlannedNotification; state: NotificationState; outcome: AttemptOutcome };

/** The notifier stopped before everything due for a fax was made (see `mayAttempt`). */
export class NotifierStoppedError extends Error {
  constructor(faxId: string) {
    super(`notifier stopped before finishing fax ${faxId}`);
    this.name = 'NotifierStoppedError';
  }
}

/** How often an append that lost a race with another writer is re-checked and tried again. */
const appendRaces = 50;

/**
 * The notifiers' core: the fax stream is the idempotency record. A notification's outcome is
 * appended with the revision that was read before the attempt; when another writer (another
 * instance) got there first, the stream is read again and only outcomes for attempts nobody else
 * recorded are kept. A fax's destinations are tried side by side, each destination's notifications
 * one after another in event order; each fax is worked on by one call at a time.
 */
export function createNotifier(deps: NotifierDeps): Notifier {
  const lock = createKeyedLock();
  const random = deps.random ?? Math.random;
  const logger = deps.logger.child({ component: 'notifier' });

  async function processNow(faxId: string): Promise<void> {
    const stream = faxStream(faxId);
    const events = await deps.eventStore.readStream(stream);
    if (!notifiable(events)) return;
    const states = notificationStates(events);
    const planned = planNotifications(events, faxId);
    armWaiting(faxId, planned, states, deps.clock.now());

    // One chain per destination, in the plan's order: a notification goes out only once the ones
    // before it to the same destination are sent or dead-lettered, so a receiver sees a fax's steps
    // in order (fax.queued before fax.converted …) even when an earlier one had to be retried.
    const chains = new Map<string, PlannedNotification[]>();
    for (const notification of planned) {
      const chain = chains.get(notification.destination) ?? [];
      chain.push(notification);
      chains.set(notification.destination, chain);
    }
    let interrupted = false;
    const outcomes = (await Promise.all([...chains.values()].map((chain) => attemptInOrder(chain, states, () => (interrupted = true))))).flat();
    if (outcomes.length > 0) await record(faxId, events, outcomes);
    if (interrupted) throw new NotifierStoppedError(faxId);
    if (outcomes.length === 0) return;
    const after = notificationStates(await deps.eventStore.readStream(stream));
    armWaiting(faxId, planned, after, deps.clock.now());
  }

  /** Appends the outcomes; when another writer appended meanwhile, keeps only the attempts nobody else recorded. */
  async function record(faxId: string, read: RecordedEvent[], outcomes: Made[]): Promise<void> {
    const stream = faxStream(faxId);
    let events = read;
    let pending = outcomes;
    for (let race = 0; pending.length > 0; race++) {
      const at = deps.clock.now();
      const records = pending.flatMap(({ notification, state, outcome }) => outcomeEvents(notification, state.attempts + 1, state.roundAttempts + 1, outcome, at));
      try {
        await deps.eventStore.append(stream, records.map((event) => withMetadata(event, faxId)), events.at(-1)!.revision);
        break;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || race >= appendRaces) throw error;
        events = await deps.eventStore.readStream(stream);
        const fresh = notificationStates(events);
        // Someone else recorded an attempt of this notification meanwhile: theirs stands, ours is dropped.
        // (A sent fax's actor appending its next step is the usual reason: nothing is dropped then.)
        pending = pending.filter(({ notification, state }) => (fresh.get(notification.ref.notificationId)?.attempts ?? 0) === state.attempts);
      }
    }
    for (const { notification, outcome } of pending) {
      const log = logger.child({ faxId, notificationId: notification.ref.notificationId, channel: notification.ref.target.channel, topic: notification.topic });
      if (outcome.ok) log.info('notification sent');
      else log.warn({ error: outcome.error, permanent: outcome.permanent }, 'notification attempt failed');
    }
  }

  /** Attempts a destination's notifications in order, stopping at the first that is not due or fails. */
  async function attemptInOrder(chain: readonly PlannedNotification[], states: ReturnType<typeof notificationStates>, interrupt: () => void) {
    const made: Made[] = [];
    for (const notification of chain) {
      const state = states.get(notification.ref.notificationId) ?? newNotificationState();
      if (state.status === 'sent' || state.status === 'dead') continue;
      if (!isDue(state, deps.clock.now())) break;
      if (deps.mayAttempt && !deps.mayAttempt()) {
        interrupt();
        break;
      }
      const outcome = await deps.attempt(notification, state.attempts + 1).catch(
        (error: unknown): AttemptOutcome => ({ ok: false, error: { kind: 'network', message: (error as Error).message ?? String(error) }, permanent: false }),
      );
      made.push({ notification, state, outcome });
      // A failure that will be retried holds the rest back; one that is dead-lettered now (permanent,
      // or the schedule is used up) lets the next one go.
      const retried = !outcome.ok && !outcome.permanent && deps.retrySchedule[state.roundAttempts] !== undefined;
      if (retried) break;
    }
    return made;
  }

  function outcomeEvents(notification: PlannedNotification, attempt: number, roundAttempt: number, outcome: AttemptOutcome, at: Date): NotificationEvent[] {
    const ref = notification.ref;
    if (outcome.ok) return [{ type: 'NotificationSent', data: { ...ref, attempt, sentAt: at.toISOString(), detail: outcome.detail } }];
    const next = outcome.permanent ? null : nextAttemptAt(roundAttempt, deps.retrySchedule, at, random());
    const failure: NotificationEvent = {
      type: 'NotificationAttemptFailed',
      data: { ...ref, attempt, failedAt: at.toISOString(), error: outcome.error, permanent: outcome.permanent, nextAttemptAt: next },
    };
    if (next !== null) return [failure];
    return [failure, { type: 'NotificationDeadLettered', data: { ...ref, attempts: attempt, deadLetteredAt: at.toISOString(), reason: outcome.error } }];
  }

  function armWaiting(faxId: string, planned: readonly PlannedNotification[], states: ReturnType<typeof notificationStates>, now: Date): void {
    if (!deps.onRetryDue) return;
    const waiting = planned
      .map((notification) => states.get(notification.ref.notificationId))
      .filter((state) => state?.status === 'retrying' && state.nextAttemptAt !== null && Date.parse(state.nextAttemptAt) > now.getTime())
      .map((state) => state!.nextAttemptAt!)
      .sort();
    if (waiting[0]) deps.onRetryDue(faxId, waiting[0]);
  }

  return {
    process: (faxId) => lock.run(faxId, () => processNow(faxId)),
  };
}

function withMetadata(event: NotificationEvent, faxId: string): NewEvent {
  const { tenantId, sourceEventId } = event.data;
  return { type: event.type, data: event.data, metadata: { correlationId: faxId, causationId: sourceEventId, actor: 'notifier', ...(tenantId ? { tenantId } : {}) } };
}

