import type { AttemptOutcome, SendOutcomeClass } from './outcomeClassification.js';

/**
 * SIP final responses to our INVITE, for a call never answered whose hangup cause says nothing
 * (NORMAL_CLEARING, NORMAL_UNSPECIFIED, or one not in `hangupCauseClasses`): carriers that send a
 * `Reason: Q.850;cause=16` with their refusal make FreeSWITCH report NORMAL_CLEARING, and the SIP
 * status is then the only trace of what happened. Grouped as the hangup causes are (sofia maps
 * these statuses to those causes when no Reason header overrides it). Unlisted 5xx statuses are
 * gateway failures and unlisted 6xx rejections; other unlisted ones stay `unknown`.
 */
export const sipStatusClasses: ReadonlyMap<number, SendOutcomeClass> = new Map<number, SendOutcomeClass>([
  [486, 'busy'],
  [600, 'busy'],
  // Temporarily Unavailable: the far end is there but takes no call now (sofia: NO_USER_RESPONSE).
  [480, 'noAnswer'],
  // Request Terminated: our CANCEL after the ring timeout (a cancel we asked for is decided before).
  [487, 'noAnswer'],
  [404, 'rejected'],
  [410, 'rejected'],
  [484, 'rejected'],
  [485, 'rejected'],
  [604, 'rejected'],
  [403, 'rejected'],
  [603, 'rejected'],
  // Our account or credentials at that carrier, not the number: another carrier may take the call.
  [401, 'gatewayFailure'],
  [402, 'gatewayFailure'],
  [407, 'gatewayFailure'],
  [408, 'gatewayFailure'],
  [488, 'gatewayFailure'],
  [606, 'gatewayFailure'],
  [500, 'gatewayFailure'],
  [502, 'gatewayFailure'],
  [503, 'gatewayFailure'],
  [504, 'gatewayFailure'],
]);

/** How the SIP dialog ended, when no status says more: we cancelled a call that rang too long. */
const sipDispositionClasses: ReadonlyMap<string, SendOutcomeClass> = new Map<string, SendOutcomeClass>([['send_cancel', 'noAnswer']]);

/** The class the SIP side gives a call never answered, or undefined when it says nothing either. */
export function sipOutcomeClass(attempt: Pick<AttemptOutcome, 'sipStatus' | 'sipDisposition'>): SendOutcomeClass | undefined {
  const status = attempt.sipStatus;
  if (status !== undefined) {
    const listed = sipStatusClasses.get(status);
    if (listed) return listed;
    if (status >= 500 && status < 600) return 'gatewayFailure';
    if (status >= 600 && status < 700) return 'rejected';
  }
  return attempt.sipDisposition === undefined ? undefined : sipDispositionClasses.get(attempt.sipDisposition);
}
