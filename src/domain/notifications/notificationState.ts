import type { StreamEvent } from './faxSummary.js';
import type { NotificationError, NotificationEvent } from './notificationEvents.js';

/**
 * Where one notification stands, folded from its events in the fax stream:
 * `pending` (never tried, or redelivery requested: due now), `retrying` (due at `nextAttemptAt`),
 * `sent`, `dead` (dead-lettered: only a redelivery request revives it).
 */
export interface NotificationState {
  status: 'pending' | 'retrying' | 'sent' | 'dead';
  /** Attempts ever made. */
  attempts: number;
  /** Attempts since the last redelivery request: what the retry schedule counts. */
  roundAttempts: number;
  nextAttemptAt: string | null;
  lastError: NotificationError | null;
}

export const newNotificationState = (): NotificationState => ({ status: 'pending', attempts: 0, roundAttempts: 0, nextAttemptAt: null, lastError: null });

export function evolveNotification(state: NotificationState, event: NotificationEvent): NotificationState {
  switch (event.type) {
    case 'NotificationSent':
      return { ...state, status: 'sent', attempts: state.attempts + 1, roundAttempts: state.roundAttempts + 1, nextAttemptAt: null };
    case 'NotificationAttemptFailed':
      return {
        status: event.data.nextAttemptAt ? 'retrying' : state.status,
        attempts: state.attempts + 1,
        roundAttempts: state.roundAttempts + 1,
        nextAttemptAt: event.data.nextAttemptAt,
        lastError: event.data.error,
      };
    case 'NotificationDeadLettered':
      return { ...state, status: 'dead', nextAttemptAt: null, lastError: event.data.reason };
    case 'NotificationRedeliveryRequested':
      return { ...state, status: 'pending', roundAttempts: 0, nextAttemptAt: null };
  }
}

const isNotificationEvent = (event: StreamEvent): boolean => event.type.startsWith('Notification');

/** Every notification's state, by id, from a fax stream's events. */
export function notificationStates(events: readonly StreamEvent[]): Map<string, NotificationState> {
  const states = new Map<string, NotificationState>();
  for (const event of events) {
    if (!isNotificationEvent(event)) continue;
    const typed = { type: event.type, data: event.data } as NotificationEvent;
    const id = typed.data.notificationId;
    states.set(id, evolveNotification(states.get(id) ?? newNotificationState(), typed));
  }
  return states;
}

/** Due now: never tried, redelivery asked for, or its retry time has come. */
export function isDue(state: NotificationState, now: Date): boolean {
  if (state.status === 'pending') return true;
  return state.status === 'retrying' && state.nextAttemptAt !== null && Date.parse(state.nextAttemptAt) <= now.getTime();
}

/**
 * When the attempt after a failed one is due: the schedule's delay for this round's attempt count,
 * spread by ±`jitter` (a fraction) with `random` in [0, 1). Null once the schedule is used up.
 */
export function nextAttemptAt(roundAttemptsMade: number, schedule: readonly number[], now: Date, random: number, jitter = 0.2): string | null {
  const delay = schedule[roundAttemptsMade - 1];
  if (delay === undefined) return null;
  const spread = delay * jitter * (2 * random - 1);
  return new Date(now.getTime() + Math.max(0, Math.round(delay + spread))).toISOString();
}
