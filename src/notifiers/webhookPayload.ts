import type { FaxSummary } from '../domain/notifications/faxSummary.js';
import type { NotificationTopic } from '../domain/notifications/notificationPlan.js';

/** How the document travels: a signed link, or the PDF itself; null when the fax has no document. */
export type PayloadDocument =
  | { id: string; contentType: 'application/pdf'; url: string; expiresAt: string }
  | { id: string; contentType: 'application/pdf'; base64: string }
  | null;

export interface WebhookPayload {
  /** `fax.received`, `fax.sent` or `fax.failed`. */
  type: `fax.${NotificationTopic}`;
  /** When this attempt was made. */
  timestamp: string;
  /** The fax's summary, the event it is about (stable across retries) and how its document travels. */
  data: { eventId: string } & Omit<FaxSummary, 'documentId'> & { document: PayloadDocument };
}

export function webhookPayload(topic: NotificationTopic, eventId: string, summary: FaxSummary, document: PayloadDocument, at: Date): WebhookPayload {
  const { documentId: _documentId, ...summaryFields } = summary;
  return {
    type: `fax.${topic}`,
    timestamp: at.toISOString(),
    data: { eventId, ...summaryFields, document },
  };
}

/** The body and its content type: JSON, or flat snake_case form fields (the original's form style, for n8n and the like). */
export function encodePayload(payload: WebhookPayload, style: 'json' | 'form'): { body: string; contentType: string } {
  if (style === 'json') return { body: JSON.stringify(payload), contentType: 'application/json' };
  const { data } = payload;
  const fields: Record<string, string> = {
    type: payload.type,
    timestamp: payload.timestamp,
    event_id: data.eventId,
    fax_id: data.faxId,
    tenant_id: data.tenantId ?? '',
    direction: data.direction,
    status: data.status,
    from: data.from,
    from_name: data.fromName ?? '',
    to: data.to,
    pages: String(data.pages),
    partial: String(data.partial),
    result: data.result,
    remote_ident: data.remoteIdent ?? '',
    time: data.time,
    attempts: data.attempts === null ? '' : String(data.attempts),
  };
  if (data.document) {
    fields.document_id = data.document.id;
    fields.document_content_type = data.document.contentType;
    if ('url' in data.document) {
      fields.document_url = data.document.url;
      fields.document_expires_at = data.document.expiresAt;
    } else fields.document_base64 = data.document.base64;
  }
  return { body: new URLSearchParams(fields).toString(), contentType: 'application/x-www-form-urlencoded' };
}
