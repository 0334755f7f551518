import type { RecordedEvent } from '../ports/eventStore.js';
import { shortTime } from './format.js';

/** One line of a fax's timeline: when, what in words, and the details that explain it. */
export interface TimelineEntry {
  at: string;
  type: string;
  title: string;
  detail: string;
}

type Data = Record<string, unknown>;
const str = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');
const yes = (value: unknown) => value === true;
const rate = (bps: unknown) => (typeof bps === 'number' && bps > 0 ? `${bps} bit/s` : 'unknown rate');
const t38 = (status: unknown) => (status === 'negotiated' ? 'T.38' : status === 'refused' ? 'audio (T.38 refused)' : status === 'requested' ? 'audio (T.38 requested, not taken)' : 'audio');
const join = (...parts: string[]) => parts.filter(Boolean).join(' · ');
const plural = (n: unknown, word: string, words = `${word}s`) => `${str(n)} ${n === 1 ? word : words}`;

function targetOf(data: Data): string {
  const target = data.target as { channel?: string; to?: string[]; url?: string } | undefined;
  if (target?.channel === 'email') return `e-mail to ${(target.to ?? []).join(', ')}`;
  if (target?.channel === 'webhook') return `webhook ${target.url ?? ''}`;
  return 'notification';
}

function errorOf(data: Data): string {
  const error = (data.error ?? data.reason) as { kind?: string; message?: string } | undefined;
  return error ? join(str(error.kind).replace(/_/g, ' '), str(error.message)) : '';
}

/** Human wording of each event type a fax's stream holds; unknown types keep their name. */
const wording: Record<string, (data: Data) => [string, string]> = {
  FaxCallOffered: (d) => ['Call offered', join(`from ${str(d.callerNumber)}${d.callerName && d.callerName !== d.callerNumber ? ` (${str(d.callerName)})` : ''}`, d.toUser ? `to ${str(d.toUser)}` : '', d.gatewayName ? `via ${str(d.gatewayName)}` : '')],
  FaxCallRejected: (d) => ['Call rejected', join(`SIP ${str(d.sipCode)}`, str(d.reason).replace(/_/g, ' '), str(d.detail))],
  FaxCallAnswered: (d) =>
    d.direction === 'outbound'
      ? ['Answered by the remote fax', `via ${str(d.gateway)}`]
      : ['Call answered', join(`for ${str(d.recipient)}`, d.sourceGateway ? `from gateway ${str(d.sourceGateway)}` : '', yes(d.t38Enabled) ? 'T.38 offered' : 'audio only')],
  FaxNegotiated: (d) => ['Fax negotiated', join(rate(d.transferRate), yes(d.ecm) ? 'ECM on' : 'ECM off', t38(d.t38Status), d.remoteIdent ? `remote ident "${str(d.remoteIdent)}"` : '', Number(d.negotiation) > 1 ? `negotiation ${str(d.negotiation)}` : '')],
  FaxPageTransferred: (d) => [`Page ${str(d.page)}${d.totalPages ? ` of ${str(d.totalPages)}` : ''} transferred`, join(str(d.resolution), Number(d.badRows) > 0 ? plural(d.badRows, 'bad row') : 'no bad rows', str(d.encoding))],
  FaxReceived: (d) => ['Fax received', join(plural(d.pages, 'page'), rate(d.transferRate), t38(d.t38Status), str(d.resultText))],
  FaxReceiveFailed: (d) => ['Reception failed', join(str(d.resultText), str(d.reasonClass).replace(/_/g, ' '), `${str(d.pagesReceived)} pages received`, d.hangupCause ? `hang-up ${str(d.hangupCause)}` : '')],
  FaxReceiveInterrupted: (d) => ['Reception interrupted', join(str(d.reason).replace(/_/g, ' '), `${str(d.pagesReceived)} pages received`)],
  FaxRouted: (d) => ['Routed for delivery', join(`to ${str(d.recipient)}`, Array.isArray(d.deliveries) ? plural(d.deliveries.length, 'delivery', 'deliveries') : '', yes(d.partial) ? 'partial document' : '', privacyOf(d.privacy))],
  FaxBridged: (d) => [yes(d.success) ? 'Bridged to the PBX' : 'Bridge failed', join(`via ${str(d.gateway)}`, `hang-up ${str(d.hangupCause)}`)],
  FaxCallEnded: (d) => ['Call ended', `hang-up ${str(d.hangupCause)}`],
  FaxRelayed: (d) => ['Relayed', join(`as fax ${str(d.relayFaxId)}`, Array.isArray(d.gateways) ? `via ${d.gateways.join(', ')}` : '')],
  FaxQueued: (d) => ['Queued for sending', join(`from ${str(d.from)} to ${str(d.to)}`, `${str(d.resolution)} resolution`, str(d.pageSize).toUpperCase(), Array.isArray(d.files) ? plural(d.files.length, 'file') : '')],
  FaxDocumentPrepared: (d) => ['Document converted', plural(d.pages, 'page')],
  FaxSendAttemptStarted: (d) => [`Attempt ${str(d.attempt)}: dialling`, join(`${str(d.to)} via ${str(d.gateway)}`, d.node ? `on FreeSWITCH ${str(d.node)}` : '', transportOf(d.transport))],
  FaxDialOverridesApplied: (d) => [`Attempt ${str(d.attempt)}: per-destination settings applied`, Object.entries((d.overrides ?? {}) as Data).map(([k, v]) => `${k}=${str(v)}`).join(', ')],
  FaxSendAttemptFailed: (d) => [
    `Attempt ${str(d.attempt)} failed: ${str(d.outcomeClass).replace(/_/g, ' ')}`,
    join(str(d.reason), d.sipStatus ? `SIP ${str(d.sipStatus)}${d.sipDisposition ? ` ${str(d.sipDisposition)}` : ''}` : '', d.hangupCause ? `hang-up ${str(d.hangupCause)}` : '', d.t30Text ? `T.30 ${str(d.t30Code)} ${str(d.t30Text)}` : '', yes(d.answered) ? `${str(d.pagesSent)} pages sent` : 'not answered'),
  ],
  FaxSendAttemptInterrupted: (d) => [`Attempt ${str(d.attempt)} interrupted`, join(str(d.reason).replace(/_/g, ' '), `${str(d.pagesSent)} pages sent`)],
  FaxRetryScheduled: (d) => [`Retry ${str(d.nextAttempt)} at ${shortTime(str(d.retryAt))}`, join(`via ${str(d.gateway)}`, transportOf(d.transport), Array.isArray(d.history) && d.history.length > 0 ? `after ${d.history.map((h) => str(h).replace(/_/g, ' ')).join(', ')}` : '')],
  FaxSent: (d) => ['Fax sent', join(plural(d.pages, 'page'), rate(d.transferRate), t38(d.t38Status), d.ecmUsed === undefined ? '' : yes(d.ecmUsed) ? 'ECM on' : 'ECM off', plural(d.attempts, 'attempt'))],
  FaxFailed: (d) => ['Fax failed', join(str(d.reason), str(d.outcomeClass).replace(/_/g, ' '), plural(d.attempts, 'attempt'), yes(d.maybeSent) ? 'may have arrived' : '')],
  FaxCancelled: (d) => ['Cancelled', join(`while ${str(d.during) === 'call' ? 'in a call' : str(d.during)}`, `by ${bySubmitter(d.by)}`)],
  FaxMarkedRead: (d) => ['Marked read', `by ${bySubmitter(d.by)}`],
  FaxMarkedUnread: (d) => ['Marked unread', `by ${bySubmitter(d.by)}`],
  NotificationSent: (d) => [`Delivered: ${targetOf(d)}`, join(`attempt ${str(d.attempt)}`, (d.detail as Data | undefined)?.status ? `HTTP ${str((d.detail as Data).status)}` : '')],
  NotificationAttemptFailed: (d) => [`Delivery failed: ${targetOf(d)}`, join(`attempt ${str(d.attempt)}`, errorOf(d), d.nextAttemptAt ? `next try at ${shortTime(str(d.nextAttemptAt))}` : yes(d.permanent) ? 'permanent' : '')],
  NotificationDeadLettered: (d) => [`Delivery given up: ${targetOf(d)}`, join(plural(d.attempts, 'attempt'), errorOf(d))],
  NotificationRedeliveryRequested: (d) => [`Redelivery requested: ${targetOf(d)}`, `by ${str(d.requestedBy)}`],
};

function transportOf(value: unknown): string {
  const t = value as { ecm?: boolean; v17?: boolean; t38?: boolean } | undefined;
  if (!t) return '';
  return join(t.t38 ? 'T.38 allowed' : 'audio only', t.ecm ? 'ECM' : 'no ECM', t.v17 ? 'V.17' : 'no V.17');
}

function bySubmitter(value: unknown): string {
  const by = value as { kind?: string; username?: string } | undefined;
  return by?.kind === 'user' ? str(by.username) : str(by?.kind) || 'someone';
}

/** The fax's history in order, worded for people; times are the store's record times. */
export function timelineOf(events: readonly RecordedEvent[]): TimelineEntry[] {
  return events.map((event) => {
    const word = wording[event.type];
    const [title, detail] = word ? word((event.data ?? {}) as Data) : [event.type, ''];
    return { at: event.created, type: event.type, title, detail };
  });
}

/** The privacy options a fax was routed under, so a store-nothing fax still here (a failed delivery) says why. */
function privacyOf(privacy: unknown): string {
  const options = (privacy ?? {}) as { notifyDocument?: string; storeNothing?: boolean };
  return join(options.notifyDocument === 'link' ? 'notified with a console link only' : '', options.storeNothing ? 'store nothing: purged once every delivery is confirmed' : '');
}
