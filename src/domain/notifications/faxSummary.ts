import type { InboundFaxEvent } from '../fax/inboundFaxEvents.js';
import { describeReason, sendResultOf } from './sendResult.js';

/** A fax event as the notifiers read it from the stream. */
export interface StreamEvent {
  id: string;
  type: string;
  data: unknown;
  /** ISO time the store recorded it. */
  created: string;
}

/** What an e-mail or webhook says about a fax: from, to, pages, time, result. */
export interface FaxSummary {
  faxId: string;
  tenantId: string | null;
  direction: 'inbound' | 'outbound';
  /**
   * `received` and `failed` (with a partial document) for inbound faxes; for outbound ones where the
   * fax stands at the step told about: `queued`, `dialing`, `retrying`, `sent`, `failed`, `cancelled`.
   */
  status: 'received' | 'failed' | 'sent' | 'queued' | 'dialing' | 'retrying' | 'cancelled';
  from: string;
  fromName: string | null;
  to: string;
  pages: number;
  /** Only some pages arrived. */
  partial: boolean;
  result: string;
  remoteIdent: string | null;
  /** When the fax was received, or the send finished. */
  time: string;
  documentId: string | null;
  /** Send results: dialling attempts. */
  attempts: number | null;
}

type Data<T extends InboundFaxEvent['type']> = Extract<InboundFaxEvent, { type: T }>['data'];

/** A summary before any event has told anything: what each fold starts from. */
export function blankSummary(faxId: string, direction: FaxSummary['direction'], status: FaxSummary['status'], attempts: number | null): FaxSummary {
  return { faxId, tenantId: null, direction, status, from: '', fromName: null, to: '', pages: 0, partial: false, result: '', remoteIdent: null, time: '', documentId: null, attempts };
}

/** Folds an inbound fax's events up to (and including) the given event into its summary. */
export function inboundSummary(events: readonly StreamEvent[], faxId: string): FaxSummary {
  const summary = blankSummary(faxId, 'inbound', 'received', null);
  for (const event of events) {
    switch (event.type) {
      case 'FaxCallOffered': {
        const data = event.data as Data<'FaxCallOffered'>;
        Object.assign(summary, { from: data.callerNumber, fromName: data.callerName ?? null, to: data.toUser ?? '', time: data.offeredAt });
        break;
      }
      case 'FaxCallAnswered': {
        const data = event.data as Data<'FaxCallAnswered'>;
        Object.assign(summary, { tenantId: data.tenantId, to: data.recipient });
        break;
      }
      case 'FaxNegotiated':
        summary.remoteIdent = (event.data as Data<'FaxNegotiated'>).remoteIdent ?? summary.remoteIdent;
        break;
      case 'FaxReceived': {
        const data = event.data as Data<'FaxReceived'>;
        Object.assign(summary, {
          status: 'received',
          pages: data.pages,
          result: data.resultText,
          remoteIdent: data.remoteIdent ?? summary.remoteIdent,
          time: data.receivedAt,
          documentId: data.documentId,
        });
        break;
      }
      case 'FaxReceiveFailed': {
        const data = event.data as Data<'FaxReceiveFailed'>;
        Object.assign(summary, {
          status: 'failed',
          pages: data.pagesReceived,
          partial: data.partial,
          result: `${data.resultText} (${data.reasonClass})`,
          time: data.failedAt,
          documentId: data.documentId ?? null,
        });
        break;
      }
      case 'FaxRouted': {
        const data = event.data as Data<'FaxRouted'>;
        Object.assign(summary, { tenantId: data.tenantId, to: data.recipient, documentId: data.documentId, partial: summary.partial || data.partial });
        break;
      }
    }
  }
  return summary;
}

/** The summary of a send result (`FaxSent` / `FaxFailed`). */
export function sendSummary(event: StreamEvent): FaxSummary {
  const data = sendResultOf(event.data);
  const failed = event.type === 'FaxFailed';
  return {
    faxId: data.faxId,
    tenantId: data.tenantId,
    direction: 'outbound',
    status: failed ? 'failed' : 'sent',
    from: data.from,
    fromName: null,
    to: data.to,
    pages: data.pages,
    partial: false,
    result: failed ? `failed after ${data.attempts} attempt${data.attempts === 1 ? '' : 's'}: ${describeReason(data.reason) || 'unknown reason'}` : 'sent',
    remoteIdent: typeof (event.data as { remoteIdent?: unknown } | null)?.remoteIdent === 'string' ? (event.data as { remoteIdent: string }).remoteIdent : null,
    time: data.at ?? event.created,
    documentId: data.documentId ?? null,
    attempts: data.attempts,
  };
}
