import type { FaxDocumentPreparedData, FaxQueuedData } from '../src/domain/outbound/outboundFaxEvents.js';
import { newFaxView, type FaxView } from './faxProjection.js';

/** What only an outbound fax's view has: its attempts. */
export interface OutboundProgress {
  attempts: number;
  gateway: string | null;
  pagesSent: number;
  /** When the next attempt is due (ISO), while waiting to retry. */
  retryAt: string | null;
  /** The last attempt was answered and lost: the fax may have arrived. */
  maybeSent: boolean;
  /** Each attempt's outcome, oldest first. */
  attemptLog: Array<{ attempt: number; gateway: string; outcome: string }>;
  relayOf: { faxId: string; endpointId: string } | null;
}

type Handler = (fax: FaxView, data: Record<string, unknown>) => Partial<FaxView>;
const str = (value: unknown) => (typeof value === 'string' ? value : '');
const num = (value: unknown) => (typeof value === 'number' ? value : 0);

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
    outbound: { attempts: 0, gateway: null, pagesSent: 0, retryAt: null, maybeSent: false, attemptLog: [], relayOf: data.relayOf ?? null },
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
    hangupCause: null,
    ...progress(fax, { attempts: num(data.attempt), gateway: str(data.gateway), pagesSent: 0, retryAt: null }),
  }),
  FaxCallAnswered: () => ({ status: 'sending' }),
  FaxPageTransferred: (fax, data) => progress(fax, { pagesSent: num(data.page) }),
  FaxSendAttemptFailed: (fax, data) => ({
    hangupCause: str(data.hangupCause) || null,
    result: { code: num(data.t30Code), text: str(data.reason), reasonClass: str(data.outcomeClass) },
    ...progress(fax, { attemptLog: [...fax.outbound!.attemptLog, { attempt: num(data.attempt), gateway: str(data.gateway), outcome: str(data.reason) }] }),
  }),
  FaxRetryScheduled: (fax, data) => ({ status: 'retrying', ...progress(fax, { retryAt: str(data.retryAt) }) }),
  FaxSendAttemptInterrupted: (fax) => progress(fax, { maybeSent: true }),
  FaxSent: (fax, data) => ({
    status: 'sent',
    ended: true,
    result: { code: 0, text: 'OK', reasonClass: 'sent' },
    ...(data.remoteIdent ? { remoteIdent: str(data.remoteIdent) } : {}),
    ...progress(fax, { pagesSent: num(data.pages), retryAt: null }),
  }),
  FaxFailed: (fax, data) => ({
    status: 'failed',
    ended: true,
    result: { code: fax.result?.code ?? -1, text: str(data.reason), reasonClass: str(data.outcomeClass) },
    ...progress(fax, { retryAt: null, maybeSent: data.maybeSent === true, attemptLog: (data.attemptLog as OutboundProgress['attemptLog']) ?? fax.outbound!.attemptLog }),
  }),
  FaxCancelled: (fax) => ({ status: 'cancelled', ended: true, ...progress(fax, { retryAt: null }) }),
};
