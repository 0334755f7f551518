import type { FaxReader } from './faxReadEvents.js';

/** Why a fax's personal data is purged: its tenant's retention ran out, someone asked, or the tenant keeps nothing. */
export type PurgeReason = 'retention' | 'request' | 'storeNothing';

/** Who asked: a user or API key, the admin, or faxengine itself (retention, store-nothing). */
export type PurgeRequester = FaxReader | { kind: 'system' };

/**
 * The purge of a fax's personal data was asked for. Appended to the fax's own stream once its
 * call is over (like read marks); the purge runner takes it from there, so a restart mid-purge
 * finishes it. Holds no personal data.
 */
export interface FaxPurgeRequestedData {
  faxId: string;
  tenantId: string | null;
  reason: PurgeReason;
  by: PurgeRequester;
  requestedAt: string;
}

/**
 * The fax's personal data is gone from every store faxengine keeps: its per-fax key destroyed (the
 * personal fields of its events can no longer be read), its documents, thumbnails and spool files
 * deleted, its read-model rows cleared, a deletion record published on the bus. What stays: the
 * fax id, tenant, direction, times, page count and status (statistics count it), and this record.
 */
export interface FaxPurgedData {
  faxId: string;
  tenantId: string | null;
  reason: PurgeReason;
  purgedAt: string;
}

export type FaxPurgeEvent = { type: 'FaxPurgeRequested'; data: FaxPurgeRequestedData } | { type: 'FaxPurged'; data: FaxPurgedData };

export const faxPurgeEventTypes = ['FaxPurgeRequested', 'FaxPurged'] as const satisfies readonly FaxPurgeEvent['type'][];
