import { put, remove, type DocumentProjection, type DocumentView, type DocumentWrite, type ProjectedEvent } from './documentProjection.js';

/** What retention and the purge runner need to know of one fax (no personal data but its document ids, dropped at purge). */
export interface RetentionEntry {
  faxId: string;
  tenantId: string | null;
  /** When the call (inbound) or the sending (outbound) ended: retention counts from here. */
  endedAt: string | null;
  /** The documents the fax uses (received, routed, prepared for sending): shared ones survive its purge while another fax needs them. */
  documentIds: string[];
  purge: 'none' | 'pending' | 'purged';
}

/**
 * Collections (all grow with history, so all are read a key or a key range at a time):
 * - `faxes`: faxId → RetentionEntry.
 * - `due`: `<tenant>|<endedAt>|<faxId>` for every ended fax no purge was asked for: a tenant's
 *   faxes whose retention ran out are one key range (`<tenant>|` up to `<tenant>|<cutoff>`).
 * - `documentRefs`: `<documentId>|<faxId>` while the fax is not purged: who still needs a document.
 * - `pending`: faxId while its purge is asked for and not done (the pending-purge gauge).
 */
export const retentionCollections = { faxes: 'faxes', due: 'due', documentRefs: 'documentRefs', pending: 'pending' } as const;

/** The `due` key part of a fax of no tenant (rejected calls, unrouted numbers). */
export const noTenantKey = '-';
export const dueKey = (tenantId: string | null, endedAt: string, faxId: string): string => `${tenantId ?? noTenantKey}|${endedAt}|${faxId}`;
export const documentRefKey = (documentId: string, faxId: string): string => `${documentId}|${faxId}`;

const ends = new Set(['FaxCallEnded', 'FaxCallRejected', 'FaxSent', 'FaxFailed', 'FaxCancelled']);
const documentEvents = new Set(['FaxReceived', 'FaxReceiveFailed', 'FaxReceiveInterrupted', 'FaxRouted', 'FaxDocumentPrepared']);
const tenantEvents = new Set(['FaxCallAnswered', 'FaxBridged', 'FaxQueued', 'FaxRouted']);

/** The retention read model: which faxes are due for purging, and which faxes use a document. */
export const retentionProjection: DocumentProjection = {
  name: 'retention',
  handles: ['FaxCallOffered', 'FaxQueued', ...tenantEvents, ...documentEvents, ...ends, 'FaxPurgeRequested', 'FaxPurged'].filter((type, index, all) => all.indexOf(type) === index),
  init: () => [],
  historyCollections: Object.values(retentionCollections),
  evolve(view: DocumentView, event: ProjectedEvent): DocumentWrite[] {
    const data = event.data as { faxId?: string; tenantId?: string | null; documentId?: string };
    const faxId = data.faxId;
    if (typeof faxId !== 'string') return [];
    const known = view.get<RetentionEntry>(retentionCollections.faxes, faxId);
    const entry: RetentionEntry = known
      ? { ...known, documentIds: [...known.documentIds] }
      : { faxId, tenantId: null, endedAt: null, documentIds: [], purge: 'none' };
    if (!known && event.type !== 'FaxCallOffered' && event.type !== 'FaxQueued') return [];
    if (entry.purge === 'purged') return [];
    const writes: DocumentWrite[] = [];
    if (tenantEvents.has(event.type) && typeof data.tenantId === 'string') entry.tenantId = data.tenantId;
    if (documentEvents.has(event.type) && typeof data.documentId === 'string' && !entry.documentIds.includes(data.documentId)) {
      entry.documentIds.push(data.documentId);
      writes.push(put(retentionCollections.documentRefs, documentRefKey(data.documentId, faxId), { faxId }));
    }
    if (ends.has(event.type) && entry.endedAt === null) {
      entry.endedAt = event.created;
      if (entry.purge === 'none') writes.push(put(retentionCollections.due, dueKey(entry.tenantId, entry.endedAt, faxId), { faxId }));
    }
    if (event.type === 'FaxPurgeRequested' && entry.purge === 'none') {
      entry.purge = 'pending';
      if (entry.endedAt !== null) writes.push(remove(retentionCollections.due, dueKey(entry.tenantId, entry.endedAt, faxId)));
      writes.push(put(retentionCollections.pending, faxId, { faxId }));
    }
    if (event.type === 'FaxPurged') {
      // Whatever was asked (even a purge recorded without a request), nothing of the fax is kept but its times.
      if (entry.purge === 'none' && entry.endedAt !== null) writes.push(remove(retentionCollections.due, dueKey(entry.tenantId, entry.endedAt, faxId)));
      entry.purge = 'purged';
      for (const documentId of entry.documentIds) writes.push(remove(retentionCollections.documentRefs, documentRefKey(documentId, faxId)));
      entry.documentIds = [];
      writes.push(remove(retentionCollections.pending, faxId));
    }
    writes.push(put(retentionCollections.faxes, faxId, entry));
    return writes;
  },
};
