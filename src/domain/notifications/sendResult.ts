import type { DeliveryTarget } from '../fax/deliveryPlan.js';

/**
 * What a submitter asked to hear about a sent fax (the original's `email_report`, `email_full`,
 * `email_full_failure`): a report e-mail either way; the report with the document either way; the
 * report with the document only when every attempt failed (nothing on success); nothing.
 */
export type SubmitterNotifyMode = 'report' | 'full' | 'fullOnFailure' | 'none';

/**
 * The data of `FaxSent` and `FaxFailed` as the notifiers read it. The send path owns those events;
 * only these fields matter here, and all but the ids are optional so a change there degrades the
 * message instead of breaking it. `notify` and `documentId` default to those of the stream's
 * `FaxQueued` / `FaxDocumentPrepared` (see `planNotifications`). Adapt `sendResultOf` if the send
 * path names them differently.
 */
export interface SendResultData {
  faxId: string;
  tenantId: string | null;
  to: string;
  from: string;
  pages: number;
  attempts: number;
  /** FaxFailed: why (text, or a typed reason with `class`/`kind` and `text`). */
  reason?: unknown;
  /** The document that was sent, attached to `full` reports. */
  documentId?: string;
  notify?: { emails: string[]; mode: SubmitterNotifyMode };
  /** Endpoints to tell about the result, recorded like FaxRouted's plan (webhooks and e-mail endpoints are used). */
  deliveries?: DeliveryTarget[];
  /** When the result was reached; defaults to the event's time. */
  at?: string;
}

export function sendResultOf(data: unknown): SendResultData {
  const value = (data ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof value[key] === 'string' ? (value[key] as string) : '');
  const notify = value.notify as SendResultData['notify'] | undefined;
  return {
    faxId: text('faxId'),
    tenantId: text('tenantId') || null,
    to: text('to'),
    from: text('from'),
    pages: typeof value.pages === 'number' ? value.pages : 0,
    attempts: typeof value.attempts === 'number' ? value.attempts : 0,
    ...(value.reason !== undefined ? { reason: value.reason } : {}),
    ...(text('documentId') ? { documentId: text('documentId') } : {}),
    ...(notify && Array.isArray(notify.emails) ? { notify } : {}),
    ...(Array.isArray(value.deliveries) ? { deliveries: value.deliveries as DeliveryTarget[] } : {}),
    ...(text('sentAt') || text('failedAt') || text('at') ? { at: text('sentAt') || text('failedAt') || text('at') } : {}),
  };
}

/** A human-readable line for a failure reason given as text or as a typed object. */
export function describeReason(reason: unknown): string {
  if (reason === undefined || reason === null) return '';
  if (typeof reason === 'string') return reason;
  if (typeof reason === 'object') {
    const fields = reason as Record<string, unknown>;
    const parts = [fields.class ?? fields.kind ?? fields.reasonClass, fields.text ?? fields.message ?? fields.resultText].filter((part) => typeof part === 'string' && part.length > 0);
    if (parts.length > 0) return parts.join(': ');
  }
  return JSON.stringify(reason);
}
