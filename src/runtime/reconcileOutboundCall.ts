import type { Logger } from 'pino';
import type { OutboundFaxSignal } from '../../machines/outboundFax.js';
import type { EslSignal } from '../domain/fax/faxSignals.js';
import { signalsFromRecord } from '../domain/fax/recordedCallOutcome.js';
import type { FaxDialer } from '../ports/faxDialer.js';

/**
 * For a fax that was in a call when we lost track (a restart, or a lost event socket): follow the
 * call again if it is still up (answered or not, FreeSWITCH says which), else end the attempt with
 * the outcome FreeSWITCH recorded at hang-up. Signals that arrive while we ask are held back and delivered after `call.alive`, so a
 * hang-up in between is not lost; a call that ended meanwhile without a record yet is followed
 * through those signals.
 */
export function createCallReconciler(deps: {
  dialer: FaxDialer;
  /** Delivers a signal to the fax's actor. */
  signal(faxId: string, event: OutboundFaxSignal): void;
  now(): string;
  logger: Logger;
  /** How long a hang-up waits for FreeSWITCH's record of a result nobody heard. Default 2 s. */
  recordWaitMs?: number;
}): (faxId: string, callUuid: string, node?: string) => Promise<void> {
  const { dialer, signal, now, logger } = deps;
  const recordWaitMs = deps.recordWaitMs ?? 2000;

  /** The T.30 result FreeSWITCH recorded at the hang-up (its hook runs a moment after the event), if any. */
  async function recordedResult(callUuid: string): Promise<EslSignal | undefined> {
    for (let waited = 0; waited <= recordWaitMs; waited += 100) {
      const outcome = await dialer.recordedOutcome(callUuid).catch(() => undefined);
      if (outcome) return signalsFromRecord(outcome, now()).find((event) => event.type === 'esl.fax.result');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return undefined;
  }
  return async function reconcile(faxId: string, callUuid: string, node?: string): Promise<void> {
    try {
      await dialer.ready();
      const held: EslSignal[] = [];
      let deliver = (event: EslSignal): void => {
        held.push(event);
      };
      // Asked of the node that has the call (the one its attempt recorded).
      await dialer.follow(callUuid, (event) => deliver(event), node);
      const live = await dialer.callExists(callUuid);
      const outcome = live ? undefined : await dialer.recordedOutcome(callUuid);
      const endedWhileAsking = held.some((event) => event.type === 'esl.channel.hangup' || event.type === 'esl.fax.result');
      if (live || (!outcome && endedWhileAsking)) {
        const answered = held.some((event) => event.type.startsWith('esl.fax.')) || (live && (await dialer.isAnswered(callUuid)));
        signal(faxId, { type: 'call.alive', at: now(), answered });
        // txfax's result may have come while nobody listened (the call then waits only for the far
        // end's hang-up): a hang-up with no result heard since is completed from FreeSWITCH's record,
        // else a delivered fax would count as an unknown failure and be sent again.
        let resultHeard = false;
        let inOrder = Promise.resolve();
        const forward = async (event: EslSignal): Promise<void> => {
          if (event.type === 'esl.fax.result') resultHeard = true;
          if (event.type === 'esl.channel.hangup' && !resultHeard) {
            const recorded = await recordedResult(callUuid);
            if (recorded) signal(faxId, recorded);
          }
          signal(faxId, event);
        };
        deliver = (event): void => {
          inOrder = inOrder.then(() => forward(event));
        };
        for (const event of held.splice(0)) deliver(event);
      } else {
        dialer.release(callUuid);
        signal(faxId, { type: 'call.gone', at: now(), ...(outcome ? { outcome } : {}) });
      }
    } catch (error) {
      logger.warn({ err: error, faxId }, 'could not reconcile the call yet; retrying');
      setTimeout(() => void reconcile(faxId, callUuid, node), 1000).unref();
    }
  };
}
