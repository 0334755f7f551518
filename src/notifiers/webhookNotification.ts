import type { PlannedNotification } from '../domain/notifications/notificationPlan.js';
import type { Clock } from '../ports/clock.js';
import type { DocumentStore } from '../ports/documentStore.js';
import { WebhookTransportError, type WebhookTransport } from '../ports/webhookTransport.js';
import { failed, type AttemptOutcome } from './attemptOutcome.js';
import type { DocumentLinks } from './documentLinks.js';
import { encodePayload, webhookPayload, type PayloadDocument } from './webhookPayload.js';
import { signWebhook } from './webhookSignature.js';

export interface WebhookNotificationDeps {
  transport: WebhookTransport;
  /** The endpoint's secret from the routing read model: null when it has none, undefined when the endpoint is gone. */
  secretOf(endpointId: string): string | null | undefined;
  /** The tenant's webhook secret, which signs a submission's own `webhookUrl` (no tenant: unsigned). */
  tenantSecretOf(tenantId: string): string;
  documents: DocumentStore;
  links: DocumentLinks;
  /** The fax's page in the web console (behind sign-in): what a `link`-mode webhook carries instead of the document. */
  consoleUrlOf?(faxId: string): string;
  timeoutMs: number;
  clock: Clock;
  userAgent: string;
}

/** Statuses worth another try (the original's rule): timeouts, early requests, rate limits, server errors. */
const passingStatus = (status: number) => status === 408 || status === 425 || status === 429 || status >= 500;

/**
 * One attempt at a webhook, signed the Standard Webhooks way. `webhook-id` is the notification id,
 * so every retry and redelivery of one notification carries the same id; timestamp and signature
 * are fresh per attempt.
 */
export async function sendWebhookNotification(deps: WebhookNotificationDeps, notification: PlannedNotification): Promise<AttemptOutcome> {
  const { ref, summary } = notification;
  if (ref.target.channel !== 'webhook') throw new Error('not a webhook notification');
  const secret = ref.endpointId !== null ? deps.secretOf(ref.endpointId) : ref.tenantId ? deps.tenantSecretOf(ref.tenantId) : null;
  if (secret === undefined) return failed('endpoint_gone', `endpoint ${ref.endpointId} no longer exists or is disabled`, true);

  const now = deps.clock.now();
  let document: PayloadDocument = null;
  let details = notification.details;
  // `link` privacy option: neither the PDF nor a signed link to it, only the console page.
  if (notification.documentMode === 'console') {
    const consoleUrl = deps.consoleUrlOf?.(summary.faxId);
    if (consoleUrl) details = { ...details, consoleUrl };
  } else if (summary.documentId) {
    if (notification.documentMode === 'inline') {
      try {
        document = { id: summary.documentId, contentType: 'application/pdf', base64: (await deps.documents.read(summary.documentId, 'application/pdf')).toString('base64') };
      } catch (error) {
        return failed('document_unavailable', `document ${summary.documentId}: ${(error as Error).message}`, false);
      }
    } else {
      document = { id: summary.documentId, contentType: 'application/pdf', ...deps.links.linkFor(summary.faxId, now) };
    }
  }
  const { body, contentType } = encodePayload(webhookPayload(notification.topic, ref.sourceEventId, summary, document, now, details), ref.target.style);
  const timestamp = Math.floor(now.getTime() / 1000);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'user-agent': deps.userAgent,
    'webhook-id': ref.notificationId,
    'webhook-timestamp': String(timestamp),
    ...(secret ? { 'webhook-signature': signWebhook(secret, ref.notificationId, timestamp, body) } : {}),
  };
  try {
    const response = await deps.transport.post({ url: ref.target.url, headers, body, timeoutMs: deps.timeoutMs });
    if (response.status >= 200 && response.status < 300) return { ok: true, detail: { status: response.status } };
    const text = `HTTP ${response.status}${response.bodyStart ? `: ${response.bodyStart.slice(0, 200)}` : ''}`;
    return failed('http_status', text, !passingStatus(response.status), response.status);
  } catch (error) {
    if (error instanceof WebhookTransportError) return failed(error.kind, error.message, false);
    return failed('network', (error as Error).message, false);
  }
}
