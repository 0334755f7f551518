import type { QueryView } from './documentProjection.js';
import { faxCollections, type FaxStatus, type FaxView } from './faxProjection.js';

export interface FaxFilter {
  /** Only this tenant's faxes (always set for tenant users). */
  tenantId?: string;
  direction?: 'inbound' | 'outbound';
  status?: FaxStatus;
  /** Matches the calling or the dialled number. */
  number?: string;
  /** ISO times, inclusive. */
  since?: string;
  until?: string;
}

export interface FaxPage {
  items: FaxView[];
  /** Pass back as `cursor` for the next page; null at the end. */
  nextCursor: string | null;
}

/** Newest first. The cursor is the last item's `createdAt|faxId`, so pages stay stable while faxes arrive. */
export function listFaxes(view: QueryView, filter: FaxFilter, limit: number, cursor?: string): FaxPage {
  const matches = [...view.all<FaxView>(faxCollections.faxes)].filter(
    (fax) =>
      (filter.tenantId === undefined || fax.tenantId === filter.tenantId) &&
      (filter.direction === undefined || fax.direction === filter.direction) &&
      (filter.status === undefined || fax.status === filter.status) &&
      (filter.number === undefined || fax.from === filter.number || fax.to === filter.number) &&
      (filter.since === undefined || fax.createdAt >= filter.since) &&
      (filter.until === undefined || fax.createdAt <= filter.until) &&
      (cursor === undefined || sortKey(fax) < cursor),
  );
  matches.sort((a, b) => (sortKey(a) < sortKey(b) ? 1 : -1));
  const items = matches.slice(0, limit);
  return { items, nextCursor: matches.length > limit ? sortKey(items.at(-1)!) : null };
}

export function findFax(view: QueryView, faxId: string): FaxView | undefined {
  return view.get<FaxView>(faxCollections.faxes, faxId);
}

/** The original identified faxes by call UUID. */
export function findFaxByCallUuid(view: QueryView, callUuid: string): FaxView | undefined {
  for (const fax of view.all<FaxView>(faxCollections.faxes)) if (fax.callUuid === callUuid) return fax;
  return undefined;
}

const sortKey = (fax: FaxView) => `${fax.createdAt}|${fax.faxId}`;

/** Outbound faxes not yet sent, failed or cancelled: the send queue to restore after a restart. */
export function unfinishedOutboundFaxIds(view: QueryView): string[] {
  const ids: string[] = [];
  for (const fax of view.all<FaxView>(faxCollections.faxes)) if (fax.direction === 'outbound' && !fax.ended) ids.push(fax.faxId);
  return ids;
}
