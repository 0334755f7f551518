import type { SimCallLog } from './simCallLog.js';

/** The fields of `GET /v1/faxes` the invariants read. */
export interface ApiFax {
  faxId: string;
  direction: 'inbound' | 'outbound';
  status: string;
  ended: boolean;
  callUuid: string;
  from: string;
  to: string;
  pages: number;
  documentId: string | null;
  outbound?: { attempts: number; maybeSent: boolean; attemptLog?: Array<{ attempt: number; outcome: string }> };
}

/** One `POST /v1/faxes` as the client saw it. */
export interface SubmissionRecord {
  number: string;
  round: number;
  /** undefined while in flight; `lost` when the connection died before an answer. */
  outcome?: 'accepted' | 'lost' | 'refused';
  faxId?: string;
  detail?: string;
  /** A lost one was looked for after the restart (and submitted again if no fax was stored). */
  recovered?: boolean;
}

export type Violations = Record<string, string[]>;

const finalOutbound = new Set(['sent', 'failed', 'cancelled']);
const finalInbound = new Set(['received', 'failed', 'interrupted', 'rejected', 'bridged']);

/** The call is over and the fax's status is one it never leaves. */
export const isFinal = (fax: ApiFax): boolean => fax.ended && (fax.direction === 'outbound' ? finalOutbound : finalInbound).has(fax.status);
const digits = (number: string) => number.replace(/^\+/, '');
const describe = (fax: ApiFax) => `${fax.direction} fax ${fax.faxId} (${fax.from} → ${fax.to}, call ${fax.callUuid || '-'})`;

/** Every fax the API knows has reached a final state, and every accepted submission is one of them. */
export function finalStates(faxes: readonly ApiFax[], submissions: readonly SubmissionRecord[]): string[] {
  const out: string[] = [];
  for (const fax of faxes) if (!isFinal(fax)) out.push(`${describe(fax)}: status ${fax.status}, ended ${fax.ended}`);
  const known = new Set(faxes.map((fax) => fax.faxId));
  for (const submission of submissions) {
    if (submission.outcome === 'accepted' && !known.has(submission.faxId!)) out.push(`submission to +${submission.number} was accepted as fax ${submission.faxId} but the API does not list it`);
    if (submission.outcome === 'refused') out.push(`submission to +${submission.number} (round ${submission.round}) was refused: ${submission.detail}`);
    if (submission.outcome === undefined) out.push(`submission to +${submission.number} (round ${submission.round}) never got an answer`);
  }
  return out;
}

/** Each inbound call whose sender was told success has a received fax with a document of that many pages. */
export async function receivedNotLost(faxes: readonly ApiFax[], log: SimCallLog, documentPages: (faxId: string) => Promise<number | string>): Promise<string[]> {
  const out: string[] = [];
  const byCall = new Map(faxes.filter((fax) => fax.direction === 'inbound').map((fax) => [fax.callUuid, fax]));
  for (const { call, result } of log.successes('rx')) {
    const told = `inbound call ${call.uuid} from +${call.number}: sender told success (${result.pages} pages)`;
    const fax = byCall.get(call.uuid);
    if (!fax) {
      out.push(`${told}, but faxengine has no fax for the call`);
      continue;
    }
    if (fax.status !== 'received' || fax.pages !== result.pages || !fax.documentId) {
      out.push(`${told}, but ${describe(fax)} is ${fax.status} with ${fax.pages} pages and ${fax.documentId ? `document ${fax.documentId}` : 'no document'}`);
      continue;
    }
    const pages = await documentPages(fax.faxId);
    if (pages !== result.pages) out.push(`${told}, but the document of fax ${fax.faxId} has ${pages} pages`);
  }
  return out;
}

/**
 * Counted at the simulator: each outbound fax reached its remote station at most once, one the API
 * calls `sent` exactly once, and one it calls failed without "maybe sent" not at all. Destinations
 * are one per submission, so a second fax to a number is a duplicate submission.
 */
export function deliveredOnce(faxes: readonly ApiFax[], log: SimCallLog, submissions: readonly SubmissionRecord[]): { duplicates: string[]; sentNotDelivered: string[]; failedButDelivered: string[] } {
  const deliveries = new Map<string, string[]>();
  for (const { call } of log.successes('tx')) deliveries.set(call.number, [...(deliveries.get(call.number) ?? []), call.uuid]);
  const outbound = faxes.filter((fax) => fax.direction === 'outbound');
  const byNumber = new Map<string, ApiFax[]>();
  for (const fax of outbound) byNumber.set(digits(fax.to), [...(byNumber.get(digits(fax.to)) ?? []), fax]);
  const duplicates: string[] = [];
  const sentNotDelivered: string[] = [];
  const failedButDelivered: string[] = [];
  // What faxengine believes of each attempt says why it dialled again.
  const account = (fax: ApiFax) => `${fax.faxId}: ${fax.status}${fax.outbound?.maybeSent ? ' (maybe sent)' : ''}; attempts ${(fax.outbound?.attemptLog ?? []).map((entry) => `${entry.attempt} ${entry.outcome}`).join(', ') || 'none failed'}`;
  for (const [number, calls] of deliveries) {
    if (calls.length > 1) duplicates.push(`+${number} received the fax ${calls.length} times, calls ${calls.join(', ')} (fax ${(byNumber.get(number) ?? []).map(account).join(' | ') || 'unknown'})`);
  }
  for (const [number, list] of byNumber) {
    if (list.length > 1) duplicates.push(`+${number}: one submission became ${list.length} faxes (${list.map((fax) => fax.faxId).join(', ')})`);
  }
  for (const fax of outbound) {
    const count = deliveries.get(digits(fax.to))?.length ?? 0;
    if (fax.status === 'sent' && count !== 1) sentNotDelivered.push(`${describe(fax)}: the API says sent, the simulator saw ${count} deliveries`);
    if (fax.status !== 'sent' && count > 0 && fax.outbound?.maybeSent !== true) {
      failedButDelivered.push(`${describe(fax)}: the API says ${fax.status} (not maybe sent) after ${fax.outbound?.attempts} attempts, but the simulator delivered it ${count} time(s)`);
    }
  }
  const submitted = new Set(submissions.map((submission) => submission.number));
  for (const number of deliveries.keys()) if (!submitted.has(number)) duplicates.push(`+${number} received a fax nobody submitted`);
  return { duplicates, sentNotDelivered, failedButDelivered };
}
