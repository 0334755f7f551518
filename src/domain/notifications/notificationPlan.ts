import type { DeliveryTarget, FaxRoutedData } from '../fax/deliveryPlan.js';
import { inboundSummary, sendSummary, type FaxSummary, type StreamEvent } from './faxSummary.js';
import type { NotificationRef, NotificationSourceType } from './notificationEvents.js';
import { sendResultOf } from './sendResult.js';

/** What a notification says: which message template, and the fax it is about. */
export type NotificationTopic = 'received' | 'sent' | 'failed';

export interface PlannedNotification {
  ref: NotificationRef;
  topic: NotificationTopic;
  summary: FaxSummary;
  /** E-mail: attach the fax as PDF. */
  attachDocument: boolean;
  /** Webhook: a signed download link (default) or the PDF inline as base64. */
  documentMode: 'url' | 'inline';
}

/**
 * Events after which the fax's own writer (its actor) appends nothing more. The notifiers append to
 * a fax stream only once one of these is in it, so they never race the actor's expected revision.
 * The send path must make `FaxSent` / `FaxFailed` the last events its actor writes (or add its
 * closing event here).
 */
export const faxStreamClosingEvents: ReadonlySet<string> = new Set(['FaxCallEnded', 'FaxSent', 'FaxFailed']);

/** Event types whose arrival can make notifications due: the sources, the closing events, and redelivery requests. */
export const notificationTriggers: ReadonlySet<string> = new Set(['FaxRouted', ...faxStreamClosingEvents, 'NotificationRedeliveryRequested']);

export function faxStreamClosed(events: readonly StreamEvent[]): boolean {
  return events.some((event) => faxStreamClosingEvents.has(event.type));
}

/** The id shared by every attempt of one notification: source event × destination. */
export function notificationIdFor(sourceEventId: string, destination: string): string {
  return `${sourceEventId}.${destination}`;
}

/** Every notification a fax's stream asks for, in the order of its source events. Pure. */
export function planNotifications(events: readonly StreamEvent[], faxId: string): PlannedNotification[] {
  const planned: PlannedNotification[] = [];
  const submission = submissionOf(events);
  for (const event of events) {
    if (event.type === 'FaxRouted') planned.push(...forReceived(event, inboundSummary(events, faxId)));
    else if (event.type === 'FaxSent' || event.type === 'FaxFailed') planned.push(...forSendResult(withSubmission(event, submission)));
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
  return notifications;
}

/** What the submission recorded (`FaxQueued`: preferences; `FaxDocumentPrepared`: the document), for results that do not repeat it. */
function submissionOf(events: readonly StreamEvent[]): Record<string, unknown> {
  const found: Record<string, unknown> = {};
  for (const event of events) {
    const data = (event.data ?? {}) as Record<string, unknown>;
    if (event.type === 'FaxQueued' && data.notify !== undefined) found.notify = data.notify;
    if (event.type === 'FaxDocumentPrepared' && typeof data.documentId === 'string') found.documentId = data.documentId;
  }
  return found;
}

function withSubmission(event: StreamEvent, submission: Record<string, unknown>): StreamEvent {
  return { ...event, data: { ...submission, ...(event.data as Record<string, unknown>) } };
}

function forSendResult(event: StreamEvent): PlannedNotification[] {
  const result = sendResultOf(event.data);
  const summary = sendSummary(event);
  const failed = event.type === 'FaxFailed';
  const topic: NotificationTopic = failed ? 'failed' : 'sent';
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
      notifications.push(emailNotification({ ...base, endpointId: target.endpointId }, destination, unique(target.addresses), summary, topic, attach));
    } else if (target.kind === 'webhook') {
      notifications.push({
        ref: { ...base, endpointId: target.endpointId, notificationId: notificationIdFor(base.sourceEventId, destination), target: { channel: 'webhook', url: target.url, style: target.style } },
        topic,
        summary,
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
  topic: NotificationTopic,
  attachDocument: boolean,
): PlannedNotification {
  return {
    ref: { ...base, notificationId: notificationIdFor(base.sourceEventId, destination), target: { channel: 'email', to } },
    topic,
    summary,
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
