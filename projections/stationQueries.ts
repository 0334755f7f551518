import type { StationState } from '../src/domain/fax/stationKnowledge.js';
import type { QueryView } from './documentProjection.js';
import { stationCollections } from './stationProjection.js';

export interface StationPage {
  items: StationState[];
  /** The last E.164 of this page when more may follow: pass it as `after` for the next page. */
  nextCursor: string | null;
}

/**
 * One page of stations in E.164 order (keyset: the stations after `after`, code-unit order, as
 * SQLite's BINARY collation sorts keys). Over an in-memory view this still visits every station;
 * a read store answers it with one indexed range read.
 */
export function listStations(view: QueryView, limit: number, after?: string): StationPage {
  const page: StationState[] = [];
  for (const station of view.all<StationState>(stationCollections.stations)) {
    if (after === undefined || station.station > after) page.push(station);
  }
  page.sort((a, b) => (a.station < b.station ? -1 : a.station > b.station ? 1 : 0));
  const items = page.slice(0, limit);
  return { items, nextCursor: page.length > limit ? items.at(-1)!.station : null };
}
