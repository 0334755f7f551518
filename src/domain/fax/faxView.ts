import type { TransportSettings } from '../outbound/sendState.js';

export const faxStatuses = [
  // inbound
  'offered',
  'rejected',
  'receiving',
  'bridging',
  'bridged',
  'received',
  'interrupted',
  // outbound
  'queued',
  'dialing',
  'sending',
  'retrying',
  'sent',
  'cancelled',
  // both
  'failed',
] as const;
export type FaxStatus = (typeof faxStatuses)[number];

/** One fax as the API shows it: the fax read model's document (folded by projections/faxProjection.ts). */
export interface FaxView {
  faxId: string;
  direction: 'inbound' | 'outbound';
  tenantId: string | null;
  status: FaxStatus;
  /** The call is over (hung up, rejected, or lost). */
  ended: boolean;
  callUuid: string;
  /** The caller (inbound) or the tenant's own sending number (outbound); null once the fax is purged, for an inbound fax. */
  from: string | null;
  /** The dialled number: E.164 once screening resolved it, else as signalled. Null once purged. */
  to: string | null;
  pages: number;
  documentId: string | null;
  partial: boolean;
  result: { code: number; text: string; reasonClass: string } | null;
  t38Status: string | null;
  transferRate: number | null;
  remoteIdent: string | null;
  /** The caller ID name the call was offered with (inbound faxes), if any. */
  callerName: string | null;
  /** Someone opened the received fax or marked it read (FaxMarkedRead), and did not mark it unread since. */
  read: boolean;
  negotiations: number;
  hangupCause: string | null;
  /** How many endpoints the document is routed to (null until routed). */
  deliveries: number | null;
  createdAt: string;
  updatedAt: string;
  /** Attempts and their outcomes (outbound faxes only). */
  outbound?: OutboundProgress;
  /** The fax's personal data was purged (FaxPurged): its remote numbers, names, idents, document and notification targets are gone. */
  purged?: true;
  /** When it was purged (ISO). */
  purgedAt?: string;
}

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
  attemptLog: Array<{ attempt: number; gateway: string; node?: string; outcome: string }>;
  /** The FreeSWITCH node of the last attempt's call (null before the first, or for events recorded before nodes). */
  node?: string | null;
  /** What the last attempt was dialled with (ECM, V.17, T.38), per-destination overrides included. */
  transport: TransportSettings | null;
  /** The per-destination (mod_db) variables that replaced the policy's on the last attempt. */
  dialOverrides: Record<string, string> | null;
  relayOf: { faxId: string; endpointId: string } | null;
}
