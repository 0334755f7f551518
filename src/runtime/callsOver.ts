import type { ActorRefFrom } from 'xstate';
import type { outboundFaxMachine } from '../../machines/outboundFax.js';

type FaxActor = ActorRefFrom<typeof outboundFaxMachine>;

/** How long a call hung up at the drain limit may take to report its end (and its events to be stored). */
export const CUT_CALL_GRACE_MS = 3000;
const CALL_STATES = ['dialing', 'sending', 'endingCall', 'awaitingResult'] as const;
const inCall = (actor: FaxActor) => actor.getSnapshot().status === 'active' && CALL_STATES.some((state) => actor.getSnapshot().matches(state));

/**
 * Resolves once none of these outbound fax actors is in a call, or after `timeoutMs`. An actor
 * need not finish: one whose attempt ended and that now waits for a retry is out of its call.
 */
export function callsOver(actors: readonly FaxActor[], timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const subscriptions: Array<{ unsubscribe(): void }> = [];
    let over = false;
    const finish = () => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      for (const subscription of subscriptions) subscription.unsubscribe();
      resolve();
    };
    const check = () => {
      if (!actors.some(inCall)) finish();
    };
    const timer = setTimeout(finish, timeoutMs);
    // Subscribing to a stopped actor completes at once (and may finish before the list is full).
    for (const actor of actors) subscriptions.push(actor.subscribe({ next: check, complete: check, error: check }));
    if (over) for (const subscription of subscriptions) subscription.unsubscribe();
    check();
  });
}
