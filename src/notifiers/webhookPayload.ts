import type { FaxSummary } from '../domain/notifications/faxSummary.js';
import type { NotificationTopic } from '../domain/notifications/notificationPlan.js';

/** How the document travels: a signed link, or the PDF itself; null when the fax has no document. */
export type PayloadDocument =
  | { id: string; contentType: 'application/pdf'; url: string; expiresAt: string }
  | { id: string; contentType: 'application/pdf'; base64: string }
  | null;

export interface WebhookPayload {
  /** `fax.received`, or a sent fax's step: `fax.queued`, `fax.converted`, `fax.attempt.started`, `fax.attempt.failed`, `fax.sent`, `fax.failed`, `fax.cancelled`. */
  type: `fax.${NotificationTopic}`;
  /** When this attempt was made. */
  timestamp: string;
  /** The fax's summary, the event it is about (stable across retries), how its document travels, and the step's own fields. */
  data: { eventId: string } & Omit<FaxSummary, 'documentId'> & { document: PayloadDocument } & Record<string, unknown>;
}

export function webhookPayload(topic: NotificationTopic, eventId: string, summary: FaxSummary, document: PayloadDocument, at: Date, details: Record<string, unknown> = {}): WebhookPayload {
  const { documentId: _documentId, ...summaryFields } = summary;
  return {
    type: `fax.${topic}`,
    timestamp: at.toISOString(),
    data: { eventId, ...summaryFields, document, ...details },
  };
}

const summaryKeys = new Set(['eventId', 'faxId', 'tenantId', 'direction', 'status', 'from', 'fromName', 'to', 'pages', 'partial', 'result', 'remoteIdent', 'time', 'attempts', 'document']);

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
  for (const [key, value] of Object.entries(data)) if (!summaryKeys.has(key)) flatten(snake(key), value, fields);
  return { body: new URLSearchParams(fields).toString(), contentType: 'application/x-www-form-urlencoded' };
}

/** `attempt: { number: 2 }` → `attempt_number=2`; lists (the attempt log) as JSON; null as empty. */
function flatten(name: string, value: unknown, into: Record<string, string>): void {
  if (value === null || value === undefined) into[name] = '';
  else if (Array.isArray(value)) into[name] = JSON.stringify(value);
  else if (typeof value === 'object') for (const [key, item] of Object.entries(value)) flatten(`${name}_${snake(key)}`, item, into);
  else into[name] = String(value);
}

const snake = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`).replace(/[^a-z0-9_]/g, '_');
