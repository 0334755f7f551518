import type { GatewayRole } from '../tenancy/types.js';

/**
 * Events of an outbound fax's `fax-<faxId>` stream. The submission path appends `FaxQueued` and
 * `FaxDocumentPrepared` together (a fax is queued only with its document ready, so nothing is
 * ever half-queued); from then on the outbound fax actor owns the stream. The notifiers append their
 * outcomes (`Notification*`) beside it; the actor's appender writes after those.
 */

import type { DeliveryTarget } from '../fax/deliveryPlan.js';

/** A webhook endpoint as a queued fax records it, with the outbound event types it asked for. */
export type OutboundWebhookTarget = Extract<DeliveryTarget, { kind: 'webhook' }> & { events: string[] };

export type Resolution = 'fine' | 'standard';
export type PageSize = 'a4' | 'letter';

/** Who asked for the fax: a tenant user or API key, the admin, or the relay of a received fax. */
export type Submitter =
  | { kind: 'user'; userId: string; username: string }
  | { kind: 'apiKey'; userId: string; keyId: string }
  | { kind: 'admin' }
  | { kind: 'relay' };

/** The original's `email_report` / `email_full` / `email_full_failure`, and none. */
export type ResultNotifyMode = 'report' | 'full' | 'fullOnFailure' | 'none';

export interface FaxQueuedData {
  faxId: string;
  direction: 'outbound';
  tenantId: string;
  /** Destination in E.164. */
  to: string;
  /** One of the tenant's numbers, in E.164: the caller ID. */
  from: string;
  callerIdName?: string;
  /** The caller ID the far end sees (E.164), when not `from`: the number's or the tenant's `callerId` setting. */
  callerIdNumber?: string;
  /** Text of the page header line (`fax_header`). */
  headerText?: string;
  /** TSI sent to the far end (`fax_ident`). */
  stationIdent?: string;
  resolution: Resolution;
  pageSize: PageSize;
  /** Overrides of the send policy for this fax only (validated; see domain/outbound/sendPolicy). */
  policy?: Record<string, unknown>;
  /** The submitted files in their order (the document concatenates them). */
  files: Array<{ name: string; contentType: string; bytes: number }>;
  submittedBy: Submitter;
  notify?: { emails: string[]; mode: ResultNotifyMode };
  idempotencyKey?: string;
  /** The submission's `webhookUrl`: told of every step of this fax, signed with the tenant's webhook secret. */
  webhookUrl?: string;
  /** Webhook endpoints subscribed to outbound events (`events`) when the fax was queued: the number's, the tenant's and global ones. */
  webhooks?: OutboundWebhookTarget[];
  /** Set when this fax forwards a received one to a gateway (store-and-forward relay). */
  relayOf?: { faxId: string; endpointId: string };
  /** Gateways to use, in order; absent means the tenant's/global upstream gateways at dial time. */
  gateways?: string[];
  /** What `gateways` are, for their `fax.t38.<role>` settings: `pbx` for a relay to a tenant's PBX; absent means upstream. */
  gatewayRole?: GatewayRole;
  queuedAt: string;
}

export interface FaxDocumentPreparedData {
  faxId: string;
  documentId: string;
  pages: number;
}

export interface FaxCancelledData {
  faxId: string;
  /** Where the fax was when it was cancelled. */
  during: 'queued' | 'waiting' | 'call';
  by: Submitter;
  cancelledAt: string;
}

export const outboundFaxEventTypes = [
  'FaxQueued',
  'FaxDocumentPrepared',
  'FaxSendAttemptStarted',
  'FaxDialOverridesApplied',
  'FaxCallAnswered',
  'FaxNegotiated',
  'FaxPageTransferred',
  'FaxSendAttemptFailed',
  'FaxSendAttemptInterrupted',
  'FaxRetryScheduled',
  'FaxSent',
  'FaxFailed',
  'FaxCancelled',
  'FaxRelayed',
] as const;
