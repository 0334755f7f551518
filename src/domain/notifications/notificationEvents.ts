/**
 * Events the notifiers append to a fax's `fax-<faxId>` stream: every attempt and its outcome, so
 * the fax's history tells whether, when and how each e-mail and webhook went out. Each carries the
 * notification's identity and target, so any one of them describes the notification on its own.
 */

/** The fax events that ask for notifications: a received fax's plan, and every step of a sent fax. */
export type NotificationSourceType =
  | 'FaxRouted'
  | 'FaxQueued'
  | 'FaxDocumentPrepared'
  | 'FaxSendAttemptStarted'
  | 'FaxSendAttemptFailed'
  | 'FaxSent'
  | 'FaxFailed'
  | 'FaxCancelled';

export type NotificationChannel = 'email' | 'webhook';

/** Where a notification goes (never a secret: a webhook's secret stays in the routing read model). */
export type NotificationTarget = { channel: 'email'; to: string[] } | { channel: 'webhook'; url: string; style: 'json' | 'form' };

/** Identifies one notification: one source event × one destination. */
export interface NotificationRef {
  /** Stable for a source event and destination, so retries and redeliveries keep it (it is the `webhook-id`). */
  notificationId: string;
  faxId: string;
  tenantId: string | null;
  sourceEventId: string;
  sourceType: NotificationSourceType;
  /** The endpoint it came from, or null for a number's notify addresses, a submitter's preferences or a submission's `webhookUrl`. */
  endpointId: string | null;
  target: NotificationTarget;
}

/**
 * Why an attempt failed, as a typed class plus the raw details (status code, SMTP reply).
 * `http_status`: the receiver answered non-2xx; `timeout` / `network`: no answer; `smtp_transient` (4xx)
 * and `smtp_permanent` (5xx): the mail server's reply; `not_configured`: no SMTP server is configured;
 * `endpoint_gone`: the webhook endpoint was removed; `document_unavailable`: the document could not be read.
 */
export interface NotificationError {
  kind: 'http_status' | 'timeout' | 'network' | 'smtp_transient' | 'smtp_permanent' | 'not_configured' | 'endpoint_gone' | 'document_unavailable';
  message: string;
  /** HTTP status or SMTP reply code, when there was one. */
  code?: number;
}

export type NotificationEvent =
  | {
      type: 'NotificationSent';
      data: NotificationRef & {
        attempt: number;
        sentAt: string;
        /** HTTP status, or the SMTP server's reply and the addresses it accepted and refused. */
        detail: { status?: number; response?: string; accepted?: string[]; rejected?: string[] };
      };
    }
  | {
      type: 'NotificationAttemptFailed';
      data: NotificationRef & {
        attempt: number;
        failedAt: string;
        error: NotificationError;
        /** True when trying again cannot help (SMTP 5xx, HTTP 4xx other than 408/425/429). */
        permanent: boolean;
        /** When the next attempt is due; null when there is none (permanent, or the schedule is used up). */
        nextAttemptAt: string | null;
      };
    }
  | {
      type: 'NotificationDeadLettered';
      data: NotificationRef & { attempts: number; deadLetteredAt: string; reason: NotificationError };
    }
  | {
      /** Someone asked for a dead-lettered notification to be tried again: a new round of attempts. */
      type: 'NotificationRedeliveryRequested';
      data: NotificationRef & { requestedAt: string; requestedBy: string };
    };

export type NotificationEventType = NotificationEvent['type'];

export const notificationEventTypes: readonly NotificationEventType[] = [
  'NotificationSent',
  'NotificationAttemptFailed',
  'NotificationDeadLettered',
  'NotificationRedeliveryRequested',
];

/**
 * Whether another writer may have put this event in a fax stream beside its actor: the notifiers'
 * outcomes and the API's redelivery requests. An outbound fax's actor appends after them instead
 * of taking them for a rival actor (see the runtime's stream appender).
 */
export const isNotificationEvent = (event: { type: string }): boolean => (notificationEventTypes as readonly string[]).includes(event.type);
