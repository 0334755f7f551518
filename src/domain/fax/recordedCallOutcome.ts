import type { EslSignal } from './faxSignals.js';
import type { T38Status } from './inboundFaxEvents.js';
import { t30Text } from './t30Results.js';

/**
 * How a fax call ended, as FreeSWITCH itself recorded it at hang-up (the `api_hangup_hook` every
 * fax call carries writes it to mod_db). A restarted faxengine reads it for a call that ended
 * while nobody listened, so the attempt is recorded with its real result instead of a guess.
 */
export interface RecordedCallOutcome {
  hangupCause: string;
  /** The call was answered (`answer_epoch` > 0). */
  answered: boolean;
  answeredAt?: string;
  /** spandsp's result; absent when no fax ran on the call (unanswered, or hung up before rxfax/txfax). */
  fax?: {
    success: boolean;
    code: number;
    /** Pages the far end confirmed (`fax_document_transferred_pages`). */
    pages: number;
    transferRate: number;
    ecm: boolean;
    t38Status: T38Status;
  };
}

/**
 * The signals a call's events would have given, rebuilt from its record (for a call whose socket
 * was lost while FreeSWITCH went on with it): answered, spandsp's result, the hang-up.
 */
export function signalsFromRecord(outcome: RecordedCallOutcome, at: string): EslSignal[] {
  const fax = outcome.fax;
  return [
    ...(outcome.answered ? [{ type: 'esl.channel.answered' as const, at: outcome.answeredAt ?? at }] : []),
    ...(fax
      ? [{ type: 'esl.fax.result' as const, at, success: fax.success, code: fax.code, text: t30Text(fax.code), pages: fax.pages, t38Status: fax.t38Status, transferRate: fax.transferRate, badRows: 0 }]
      : []),
    { type: 'esl.channel.hangup', at, cause: outcome.hangupCause },
  ];
}
