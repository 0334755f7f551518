import type { DeliveryTarget, FaxRoutedData } from '../fax/deliveryPlan.js';
import type { OutboundWebhookTarget } from '../outbound/outboundFaxEvents.js';
import { inboundSummary, sendSummary, type FaxSummary, type StreamEvent } from './faxSummary.js';
import type { NotificationRef, NotificationSourceType } from './notificationEvents.js';
import { outboundNotices, outboundNoticeTypes, type OutboundNotice, type OutboundTopic } from './outboundNotices.js';
import { sendResultOf } from './sendResult.js';
import type { WebhookEvent } from './webhookEvents.js';

/** The topics e-mails are written for (templates `<topic>.subject.txt` / `.body.txt`). */
export type EmailTopic = 'received' | 'sent' | 'failed';

/** What a notification says: the webhook type is `fax.<topic>`; e-mails exist for the e-mail topics only. */
export type NotificationTopic = EmailTopic | OutboundTopic;

export interface PlannedNotification {
  ref: NotificationRef;
  topic: NotificationTopic;
  summary: FaxSummary;
  /** Fields particular to the topic, added to a webhook's `data` (attempt, nextAttempt, attemptLog, …). */
  details?: Record<string, unknown>;
  /** Where it goes, as the notification id names it: notifications to one destination go out in this plan's order. */
  destination: string;
  /** E-mail: attach the fax as PDF. */
  attachDocument: boolean;
  /**
   * Webhook: a signed download link (default) or the PDF inline as base64. `console` (a received
   * fax under the `link` privacy option; e-mail and webhook): no document and no download link,
   * only a link to the fax's page in the web console, behind sign-in.
   */
  documentMode: 'url' | 'inline' | 'console';
}

/**
 * Events after which the fax's own writer (its actor) appends nothing more. A received fax's
 * notifications are made only once one of these is in its stream, so the notifiers never race the
 * inbound actor's expected revision. An outbound fax's actor writes after the notifiers' events
 * (its appender tolerates them), so a sent fax's notifications go out as its steps happen.
 */
export const faxStreamClosingEvents: ReadonlySet<string> = new Set(['FaxCallEnded', 'FaxSent', 'FaxFailed', 'FaxCancelled']);

/** Event types whose arrival can make notifications due: the sources, the closing events, and redelivery requests. */
export const notificationTriggers: ReadonlySet<string> = new Set(['FaxRouted', ...faxStreamClosingEvents, ...outboundNoticeTypes, 'NotificationRedeliveryRequested']);

export function faxStreamClosed(events: readonly StreamEvent[]): boolean {
  return events.some((event) => faxStreamClosingEvents.has(event.type));
}

/** An outbound fax's stream: its notifications need not wait for the end (see `faxStreamClosingEvents`). */
export const isOutboundFaxStream = (events: readonly StreamEvent[]): boolean => events[0]?.type === 'FaxQueued';

/** Whether the notifiers may append to this stream now. */
export const notifiable = (events: readonly StreamEvent[]): boolean => isOutboundFaxStream(events) || faxStreamClosed(events);

/** The id shared by every attempt of one notification: source event × destination. */
export function notificationIdFor(sourceEventId: string, destination: string): string {
  return `${sourceEventId}.${destination}`;
}

/** Destination of a submission's own `webhookUrl`. */
export const faxWebhookDestination = 'webhook';

/** Every notification a fax's stream asks for, in the order of its source events. Pure. */
export function planNotifications(events: readonly StreamEvent[], faxId: string): PlannedNotification[] {
  const planned: PlannedNotification[] = [];
  const submission = submissionOf(events);
  const notices = new Map(outboundNotices(events, faxId).map((notice) => [notice.event.id, notice]));
  for (const event of events) {
    if (event.type === 'FaxRouted') planned.push(...forReceived(event, inboundSummary(events, faxId)));
    const notice = notices.get(event.id);
    if (notice) planned.push(...forOutboundStep(notice, submission));
    if (event.type === 'FaxSent' || event.type === 'FaxFailed') planned.push(...forSendResult(withSubmission(event, submission)));
  }
  return planned;
}

function forReceived(event: StreamEvent, summary: FaxSummary): PlannedNotification[] {
  const plan = event.data as FaxRoutedData;
  const base = { sourceEventId: event.id, sourceType: 'FaxRouted' as const, faxId: plan.faxId, tenantId: plan.tenantId };
  const notifications = endpointNotifications(plan.deliveries, base, summary, 'received', true);
  const covered = new Set(plan.deliveries.flatMap((target) => (target.kind === 'email' ? target.addresses.map((address) => address.toLowerCase()) : [])));
  const notify = unique(plan.notifyEmails).filter((address) => !covered.has(address.toLowerCase()));
  if (notify.length > 0) {
    notifications.unshift(emailNotification({ ...base, endpointId: null }, 'notify', notify, summary, 'received', true));
  }
  if (plan.privacy?.notifyDocument !== 'link') return notifications;
  return notifications.map((notification) => ({ ...notification, attachDocument: false, documentMode: 'console' as const }));
}

interface Submission {
  notify?: unknown;
  documentId?: string;
  webhookUrl?: string;
  webhooks: OutboundWebhookTarget[];
}

/** What the submission recorded (`FaxQueued`: preferences and webhooks; `FaxDocumentPrepared`: the document), for results that do not repeat it. */
function submissionOf(events: readonly StreamEvent[]): Submission {
  const found: Submission = { webhooks: [] };
  for (const event of events) {
    const data = (event.data ?? {}) as Record<string, unknown>;
    if (event.type === 'FaxQueued') {
      if (data.notify !== undefined) found.notify = data.notify;
      if (typeof data.webhookUrl === 'string') found.webhookUrl = data.webhookUrl;
      if (Array.isArray(data.webhooks)) found.webhooks = data.webhooks as OutboundWebhookTarget[];
    }
    if (event.type === 'FaxDocumentPrepared' && typeof data.documentId === 'string') found.documentId = data.documentId;
  }
  return found;
}

function withSubmission(event: StreamEvent, submission: Submission): StreamEvent {
  const defaults = { ...(submission.notify !== undefined ? { notify: submission.notify } : {}), ...(submission.documentId ? { documentId: submission.documentId } : {}) };
  return { ...event, data: { ...defaults, ...(event.data as Record<string, unknown>) } };
}

/** A sent fax's step, to the submission's `webhookUrl` (every step) and to the endpoints subscribed to it. */
function forOutboundStep(notice: OutboundNotice, submission: Submission): PlannedNotification[] {
  const { event, topic, details } = notice;
  // The document (a link, or inline) travels with the steps that are about it, not with every attempt.
  const summary = topic === 'converted' || topic === 'sent' || topic === 'failed' ? notice.summary : { ...notice.summary, documentId: null };
  const base = { sourceEventId: event.id, sourceType: event.type as NotificationSourceType, faxId: summary.faxId, tenantId: summary.tenantId };
  const type = `fax.${topic}` as WebhookEvent;
  const notifications: PlannedNotification[] = [];
  if (submission.webhookUrl) {
    notifications.push({
      ref: { ...base, endpointId: null, notificationId: notificationIdFor(event.id, faxWebhookDestination), target: { channel: 'webhook', url: submission.webhookUrl, style: 'json' } },
      topic,
      summary,
      details,
      destination: faxWebhookDestination,
      attachDocument: false,
      documentMode: 'url',
    });
  }
  const subscribed = submission.webhooks.filter((target) => target.events.includes(type));
  notifications.push(...endpointNotifications(subscribed, base, summary, topic, false).map((notification) => ({ ...notification, details })));
  return notifications;
}

/** The submitter's report e-mail, and the endpoints a result lists in `deliveries` (the shape FaxRouted uses). */
function forSendResult(event: StreamEvent): PlannedNotification[] {
  const result = sendResultOf(event.data);
  const summary = sendSummary(event);
  const failed = event.type === 'FaxFailed';
  const topic: EmailTopic = failed ? 'failed' : 'sent';
  const base = { sourceEventId: event.id, sourceType: event.type as NotificationSourceType, faxId: result.faxId, tenantId: result.tenantId };
  const notifications = endpointNotifications(result.deliveries ?? [], base, summary, topic, Boolean(result.documentId));
  const mode = result.notify?.mode ?? 'none';
  const emails = unique(result.notify?.emails ?? []);
  const wanted = mode === 'report' || mode === 'full' || (mode === 'fullOnFailure' && failed);
  if (wanted && emails.length > 0) {
    const attach = mode !== 'report' && result.documentId !== undefined;
    notifications.unshift(emailNotification({ ...base, endpointId: null }, 'submitter', emails, summary, topic, attach));
  }
  return notifications;
}

type RefBase = Omit<NotificationRef, 'notificationId' | 'target' | 'endpointId'>;

function endpointNotifications(deliveries: readonly DeliveryTarget[], base: RefBase, summary: FaxSummary, topic: NotificationTopic, attach: boolean): PlannedNotification[] {
  const notifications: PlannedNotification[] = [];
  for (const target of deliveries) {
    const destination = `endpoint-${target.endpointId}`;
    if (target.kind === 'email') {
      if (topic === 'received' || topic === 'sent' || topic === 'failed') {
        notifications.push(emailNotification({ ...base, endpointId: target.endpointId }, destination, unique(target.addresses), summary, topic, attach));
      }
    } else if (target.kind === 'webhook') {
      notifications.push({
        ref: { ...base, endpointId: target.endpointId, notificationId: notificationIdFor(base.sourceEventId, destination), target: { channel: 'webhook', url: target.url, style: target.style } },
        topic,
        summary,
        destination,
        attachDocument: false,
        documentMode: target.document ?? 'url',
      });
    }
  }
  return notifications;
}

function emailNotification(
  base: RefBase & { endpointId: string | null },
  destination: string,
  to: string[],
  summary: FaxSummary,
  topic: EmailTopic,
  attachDocument: boolean,
): PlannedNotification {
  return {
    ref: { ...base, notificationId: notificationIdFor(base.sourceEventId, destination), target: { channel: 'email', to } },
    topic,
    summary,
    destination,
    attachDocument: attachDocument && summary.documentId !== null,
    documentMode: 'url',
  };
}

function unique(addresses: readonly string[]): string[] {
  const seen = new Set<string>();
  return addresses.filter((address) => {
    const key = address.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
