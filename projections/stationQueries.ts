import type { StationState } from '../src/domain/fax/stationKnowledge.js';
import type { DocumentWrite } from './documentProjection.js';
import { stationCollections, stationProjection } from './stationProjection.js';

export interface StationPage {
  items: StationState[];
  /** The last E.164 of this page when more may follow: pass it as `after` for the next page. */
  nextCursor: string | null;
}

/** Where station documents are read a page at a time: the read store, in key (E.164) order. */
export interface StationDocuments {
  page(projection: string, collection: string, limit: number, after?: string): Pick<DocumentWrite, 'doc'>[];
}

/**
 * One page of stations in E.164 order (keyset: the stations after `after`, in code-unit order).
 * Stations grow with history, so this is one indexed range read of `limit + 1` documents.
 */
export function listStations(documents: StationDocuments, limit: number, after?: string): StationPage {
  const rows = documents.page(stationProjection.name, stationCollections.stations, limit + 1, after).map((row) => row.doc as StationState);
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? items.at(-1)!.station : null };
}
