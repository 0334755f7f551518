import { classifyT30Result, t30Text, type T30ReasonClass } from '../fax/t30Results.js';
import { sipOutcomeClass } from './sipOutcome.js';

/** spandsp's report on a txfax that ran (`spandsp::txfaxresult`, with counts gathered from the call's other events). */
export interface AttemptT30Result {
  /** `fax-result-code` (reference/freeswitch-esl.md §3.7). */
  resultCode: number;
  /** `fax-success`. */
  success: boolean;
  /** Pages the far end confirmed (`fax-document-transferred-pages`). */
  pagesSent: number;
  /** Pages in our document (`fax-document-total-pages`); 0 when unknown. */
  totalPages: number;
  /** T.38 was in play on this call: negotiated, or requested and the fax failed around the switch. */
  t38Used: boolean;
  /** Negotiate (phase B) events seen; a T.38 switch-over normally makes a second one. */
  negotiations: number;
  /** Bad rows summed over the page events. */
  badRows?: number;
  /** ECM was negotiated (`fax-ecm-used`). */
  ecmUsed?: boolean;
}

/** What one call attempt of an outbound fax came to, as the ESL adapter reports it. */
export interface AttemptOutcome {
  /**
   * Q.850 name from FreeSWITCH: `Hangup-Cause`, or the `-ERR <CAUSE>` of a failed originate
   * (`USER_BUSY`, `NO_ANSWER`, `NORMAL_TEMPORARY_FAILURE`, …). Absent when unknown.
   */
  hangupCause?: string;
  /** The SIP status that ended the call (`sip_term_status`), when there was one. */
  sipStatus?: number;
  /** How the SIP dialog ended (`sip_hangup_disposition`: `recv_refuse`, `send_cancel`, …). */
  sipDisposition?: string;
  /** The far end answered (the call reached CHANNEL_ANSWER). */
  answered: boolean;
  /** Present when txfax ran and reported a result; only read for answered calls. */
  t30?: AttemptT30Result;
  /** We asked for this call to end (api.fax.cancel): whatever the cause says, it was us. */
  cancelRequested?: boolean;
}

/**
 * The class of an attempt's outcome; the retry decision is keyed on it.
 *
 * There is no `partiallySent`: a fax that dropped after some pages is a `pageTransferFailure`, and
 * the next attempt sends the whole document again, as HylaFAX (without `skippages`) and Phaxio do —
 * the recipient gets one complete fax rather than a fragment to stitch to an earlier one. The pages
 * that did get through stay visible in the attempt's events.
 */
export type SendOutcomeClass =
  | 'sent'
  | 'busy'
  /** Nobody answered, or something answered that never behaved like a fax (voice line). */
  | 'noAnswer'
  /** The number is wrong or refuses us: no delay or other gateway will help. */
  | 'rejected'
  /** The carrier/route failed the call set-up: another gateway may get through now. */
  | 'gatewayFailure'
  /** A fax answered but capabilities exchange or training (phase B) failed. */
  | 'negotiationFailure'
  /** Negotiation worked but pages failed or the call dropped mid-fax (phase C/D). */
  | 'pageTransferFailure'
  /** Our TIFF could not be sent: our fault, retrying cannot help. */
  | 'localFileError'
  /** The fax's tenant has no upstream (carrier) gateway to dial through: a set-up mistake, retrying cannot help. */
  | 'noGateway'
  | 'cancelled'
  | 'unknown';

export interface ClassifiedOutcome {
  outcomeClass: SendOutcomeClass;
  /** Which input decided the class. */
  decidedBy: 't30' | 'hangupCause' | 'sipStatus' | 'cancelRequest' | 'nothing';
  /** The refined T.30 reason class, when a T.30 result was read. */
  t30ReasonClass?: T30ReasonClass;
  /**
   * The failure points at T.38 (GOfax.IP's heuristic, widened): T.38 was in play and the fax
   * failed in negotiation or page transfer, negotiated more than once, or had bad rows.
   */
  t38Trouble: boolean;
  /** The raw input, so events keep the original cause and code next to the class. */
  attempt: AttemptOutcome;
}

/** The cause recorded for an attempt that had no gateway to dial through (no call was placed). */
export const NO_GATEWAY_CAUSE = 'NO_GATEWAY';

/**
 * Hangup causes (FreeSWITCH's Q.850 names) of calls that produced no T.30 result. Causes not listed
 * are `unknown` and retried after the generic delay.
 */
export const hangupCauseClasses: ReadonlyMap<string, SendOutcomeClass> = new Map<string, SendOutcomeClass>([
  ['USER_BUSY', 'busy'],
  ['NO_ANSWER', 'noAnswer'],
  ['NO_USER_RESPONSE', 'noAnswer'],
  ['SUBSCRIBER_ABSENT', 'noAnswer'],
  ['CALL_REJECTED', 'rejected'],
  ['UNALLOCATED_NUMBER', 'rejected'],
  ['INVALID_NUMBER_FORMAT', 'rejected'],
  ['NUMBER_CHANGED', 'rejected'],
  ['INCOMING_CALL_BARRED', 'rejected'],
  // "No route" is the carrier's view of the number, not the number's fault: another carrier may route it.
  ['NO_ROUTE_DESTINATION', 'gatewayFailure'],
  ['NO_ROUTE_TRANSIT_NET', 'gatewayFailure'],
  ['NORMAL_TEMPORARY_FAILURE', 'gatewayFailure'],
  ['NETWORK_OUT_OF_ORDER', 'gatewayFailure'],
  ['DESTINATION_OUT_OF_ORDER', 'gatewayFailure'],
  ['GATEWAY_DOWN', 'gatewayFailure'],
  ['INVALID_GATEWAY', 'gatewayFailure'],
  ['RECOVERY_ON_TIMER_EXPIRE', 'gatewayFailure'],
  ['PROGRESS_TIMEOUT', 'gatewayFailure'],
  ['SERVICE_UNAVAILABLE', 'gatewayFailure'],
  ['NORMAL_CIRCUIT_CONGESTION', 'gatewayFailure'],
  ['SWITCH_CONGESTION', 'gatewayFailure'],
  ['REQUESTED_CHAN_UNAVAIL', 'gatewayFailure'],
  ['EXCHANGE_ROUTING_ERROR', 'gatewayFailure'],
  // Our account at that carrier is barred, not the number.
  ['OUTGOING_CALL_BARRED', 'gatewayFailure'],
  // 488/606 at set-up: the media offer was refused; another carrier may accept or transcode it.
  ['INCOMPATIBLE_DESTINATION', 'gatewayFailure'],
  ['BEARERCAPABILITY_NOTAVAIL', 'gatewayFailure'],
  ['INTERWORKING', 'gatewayFailure'],
  ['PROTOCOL_ERROR', 'gatewayFailure'],
  ['USER_NOT_REGISTERED', 'gatewayFailure'],
  ['MEDIA_TIMEOUT', 'gatewayFailure'],
  ['ORIGINATOR_CANCEL', 'cancelled'],
  // Ours, not FreeSWITCH's: no gateway was there to dial (see `NO_GATEWAY_CAUSE`).
  [NO_GATEWAY_CAUSE, 'noGateway'],
  // A call that ended "normally" without a fax result cannot be claimed as sent.
  ['NORMAL_CLEARING', 'unknown'],
  ['NORMAL_UNSPECIFIED', 'unknown'],
]);

/**
 * T.30 reason classes (from `t30Results`, which owns the code table) to outcome classes. Link
 * errors count as negotiation failures here and as page failures once a page went through.
 */
export const t30ReasonOutcomes: Readonly<Record<T30ReasonClass, SendOutcomeClass>> = {
  success: 'sent',
  no_fax_detected: 'noAnswer',
  negotiation_failed: 'negotiationFailure',
  page_transfer_failed: 'pageTransferFailure',
  // classifyT30Result only says "dropped" after a negotiation; the next attempt resends everything.
  call_dropped: 'pageTransferFailure',
  local_document_error: 'localFileError',
  link_error: 'negotiationFailure',
  // Our ident, password or sub-address was refused: the far end will refuse it again.
  feature_refused: 'rejected',
};

/** Classifies one attempt. A T.30 result beats the hangup cause: it says what the fax itself did. */
export function classifyAttemptOutcome(attempt: AttemptOutcome): ClassifiedOutcome {
  const base = { attempt, t38Trouble: false };
  if (attempt.cancelRequested || attempt.hangupCause === 'ORIGINATOR_CANCEL') {
    return { ...base, outcomeClass: 'cancelled', decidedBy: attempt.cancelRequested ? 'cancelRequest' : 'hangupCause' };
  }
  const t30 = attempt.answered ? attempt.t30 : undefined;
  if (t30 !== undefined) {
    const t30ReasonClass = classifyT30Result(t30.resultCode, { pagesTransferred: t30.pagesSent, negotiations: t30.negotiations });
    const outcomeClass = t30OutcomeClass(t30, t30ReasonClass);
    return { ...base, outcomeClass, decidedBy: 't30', t30ReasonClass, t38Trouble: isT38Trouble(t30, outcomeClass) };
  }
  const byCause = attempt.hangupCause === undefined ? undefined : hangupCauseClasses.get(attempt.hangupCause);
  if (byCause !== undefined && byCause !== 'unknown') return { ...base, outcomeClass: byCause, decidedBy: 'hangupCause' };
  // The SIP side only speaks for calls never answered: an answered call's status is its 200 or BYE.
  const bySip = attempt.answered ? undefined : sipOutcomeClass(attempt);
  if (bySip !== undefined) return { ...base, outcomeClass: bySip, decidedBy: 'sipStatus' };
  if (attempt.hangupCause === undefined) return { ...base, outcomeClass: 'unknown', decidedBy: 'nothing' };
  return { ...base, outcomeClass: 'unknown', decidedBy: 'hangupCause' };
}

function t30OutcomeClass(t30: AttemptT30Result, reasonClass: T30ReasonClass): SendOutcomeClass {
  if (t30.success) {
    // spandsp's success with pages missing is not a delivered fax (gofaxip #34: "done" with 0 pages).
    return t30.totalPages === 0 || t30.pagesSent >= t30.totalPages ? 'sent' : 'pageTransferFailure';
  }
  if (reasonClass === 'success') return 'unknown';
  if (reasonClass === 'link_error' && t30.pagesSent > 0) return 'pageTransferFailure';
  return t30ReasonOutcomes[reasonClass];
}

function isT38Trouble(t30: AttemptT30Result, outcomeClass: SendOutcomeClass): boolean {
  if (!t30.t38Used || outcomeClass === 'sent') return false;
  return outcomeClass === 'negotiationFailure' || outcomeClass === 'pageTransferFailure' || t30.negotiations > 1 || (t30.badRows ?? 0) > 0;
}

const labels: Record<SendOutcomeClass, string> = {
  sent: 'sent',
  busy: 'busy',
  noAnswer: 'no answer',
  rejected: 'rejected',
  gatewayFailure: 'gateway failure',
  negotiationFailure: 'negotiation failed',
  pageTransferFailure: 'page transfer failed',
  localFileError: 'local document error',
  noGateway: 'no upstream gateway to send through',
  cancelled: 'cancelled',
  unknown: 'unknown failure',
};

/** A short human text for messages and `giveUp` reasons, e.g. `busy (USER_BUSY)`. */
export function describeOutcome(outcome: ClassifiedOutcome): string {
  const { attempt } = outcome;
  const t30 = attempt.t30;
  if (outcome.decidedBy === 't30' && t30 !== undefined) {
    const label = outcome.t30ReasonClass === 'no_fax_detected' ? 'no fax machine answered' : labels[outcome.outcomeClass];
    const pages = t30.pagesSent > 0 && t30.pagesSent < t30.totalPages ? ` after ${t30.pagesSent} of ${t30.totalPages} pages` : '';
    return `${label}${pages}: ${t30Text(t30.resultCode)} (T.30 code ${t30.resultCode})`;
  }
  if (outcome.decidedBy === 'cancelRequest') return labels.cancelled;
  if (outcome.decidedBy === 'sipStatus') {
    const sip = attempt.sipStatus === undefined ? `SIP ${attempt.sipDisposition}` : `SIP ${attempt.sipStatus}`;
    return `${labels[outcome.outcomeClass]} (${attempt.hangupCause === undefined ? sip : `${attempt.hangupCause}, ${sip}`})`;
  }
  return attempt.hangupCause === undefined ? labels[outcome.outcomeClass] : `${labels[outcome.outcomeClass]} (${attempt.hangupCause})`;
}
