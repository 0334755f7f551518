import type { FaxDocumentPreparedData, FaxQueuedData } from '../src/domain/outbound/outboundFaxEvents.js';
import type { TransportSettings } from '../src/domain/outbound/sendState.js';
import type { FaxView, OutboundProgress } from '../src/domain/fax/faxView.js';
import { newFaxView } from './faxProjection.js';

type Handler = (fax: FaxView, data: Record<string, unknown>) => Partial<FaxView>;
const str = (value: unknown) => (typeof value === 'string' ? value : '');
const num = (value: unknown) => (typeof value === 'number' ? value : 0);
const transportOf = (value: unknown): TransportSettings | null => (value && typeof value === 'object' ? (value as TransportSettings) : null);

/** The view of a freshly queued outbound fax. */
export function queuedView(data: FaxQueuedData, at: string): FaxView {
  return newFaxView({
    faxId: data.faxId,
    direction: 'outbound',
    tenantId: data.tenantId,
    status: 'queued',
    callUuid: '',
    from: data.from,
    to: data.to,
    createdAt: data.queuedAt || at,
    outbound: { attempts: 0, gateway: null, pagesSent: 0, retryAt: null, maybeSent: false, attemptLog: [], transport: null, dialOverrides: null, relayOf: data.relayOf ?? null, node: null },
  });
}

const progress = (fax: FaxView, patch: Partial<OutboundProgress>): Partial<FaxView> => ({ outbound: { ...fax.outbound!, ...patch } });

/** Outbound events, and the outbound meaning of events both directions share. */
export const outboundHandlers: Record<string, Handler> = {
  FaxDocumentPrepared: (_, data) => ({ documentId: (data as unknown as FaxDocumentPreparedData).documentId, pages: num(data.pages) }),
  FaxSendAttemptStarted: (fax, data) => ({
    status: 'dialing',
    callUuid: str(data.callUuid),
    negotiations: 0,
    t38Status: null,
    transferRate: null,
    hangupCause: null,
    ...progress(fax, { attempts: num(data.attempt), gateway: str(data.gateway), node: str(data.node) || null, pagesSent: 0, retryAt: null, transport: transportOf(data.transport), dialOverrides: null }),
  }),
  FaxDialOverridesApplied: (fax, data) => progress(fax, { transport: transportOf(data.transport), dialOverrides: (data.overrides as Record<string, string>) ?? null }),
  FaxCallAnswered: () => ({ status: 'sending' }),
  FaxNegotiated: (fax, data) => ({
    negotiations: fax.negotiations + 1,
    t38Status: str(data.t38Status) || null,
    transferRate: num(data.transferRate),
    remoteIdent: str(data.remoteIdent) || fax.remoteIdent,
  }),
  FaxPageTransferred: (fax, data) => progress(fax, { pagesSent: num(data.page) }),
  FaxSendAttemptFailed: (fax, data) => ({
    hangupCause: str(data.hangupCause) || null,
    t38Status: str(data.t38Status) || fax.t38Status,
    result: { code: num(data.t30Code), text: str(data.reason), reasonClass: str(data.outcomeClass) },
    ...progress(fax, { attemptLog: [...fax.outbound!.attemptLog, { attempt: num(data.attempt), gateway: str(data.gateway), ...(fax.outbound!.node ? { node: fax.outbound!.node } : {}), outcome: str(data.reason) }] }),
  }),
  FaxRetryScheduled: (fax, data) => ({ status: 'retrying', ...progress(fax, { retryAt: str(data.retryAt) }) }),
  FaxSendAttemptInterrupted: (fax) => progress(fax, { maybeSent: true }),
  FaxSent: (fax, data) => ({
    status: 'sent',
    ended: true,
    result: { code: 0, text: 'OK', reasonClass: 'sent' },
    t38Status: str(data.t38Status) || fax.t38Status,
    transferRate: num(data.transferRate) || fax.transferRate,
    ...(data.remoteIdent ? { remoteIdent: str(data.remoteIdent) } : {}),
    ...progress(fax, {
      pagesSent: num(data.pages),
      retryAt: null,
      // FaxSent carries the whole log since it has one; before, the sent attempt itself was missing.
      attemptLog: (data.attemptLog as OutboundProgress['attemptLog']) ?? [...fax.outbound!.attemptLog, { attempt: num(data.attempts), gateway: str(data.gateway), outcome: 'sent' }],
    }),
  }),
  FaxFailed: (fax, data) => ({
    status: 'failed',
    ended: true,
    result: { code: fax.result?.code ?? -1, text: str(data.reason), reasonClass: str(data.outcomeClass) },
    ...progress(fax, { retryAt: null, maybeSent: data.maybeSent === true, attemptLog: (data.attemptLog as OutboundProgress['attemptLog']) ?? fax.outbound!.attemptLog }),
  }),
  FaxCancelled: (fax) => ({ status: 'cancelled', ended: true, ...progress(fax, { retryAt: null }) }),
};
