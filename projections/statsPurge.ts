import { put, remove, stagedView, type DocumentView, type DocumentWrite } from './documentProjection.js';
import { isEmptyCounters, subtractCounters, type StatsCounters } from './statsCounters.js';
import type { FaxInFlight, StatsDelta } from './statsDelta.js';
import { bucketKey, dayPeriod, factTime, hourPeriod, statsCollections as C } from './statsKeys.js';
import { seriesOf, type StatsFact } from './statsProjection.js';

/** What the statistics keep of an ended fax that counted per station: its facts' keys. */
export interface StationFacts {
  keys: string[];
}

/**
 * The fax's next in-flight state with the keys of its new station facts added, and, when the fax
 * ends, the record of all of them (what a purge needs). Only faxes with a station have one.
 */
export function withStationFacts(fax: FaxInFlight | undefined, delta: StatsDelta, newKeys: readonly string[]): { next: FaxInFlight | null | undefined; ended?: StationFacts } {
  const keys = [...(fax?.stationFacts ?? []), ...newKeys];
  if (delta.fax === null) return { next: null, ...(keys.length > 0 ? { ended: { keys } } : {}) };
  if (newKeys.length === 0) return { next: delta.fax };
  const next = delta.fax ?? fax;
  return { next: next ? { ...next, stationFacts: keys } : next };
}

/**
 * FaxPurged: the per-station series key stations by the remote number, so the purged fax's
 * counts leave its station's buckets (a bucket no other fax counts in goes, key and all) and its
 * facts lose the station. Totals, tenants and gateways keep counting it. A rebuild folds the
 * fax's events with the number already empty, so it never counts per station and this finds
 * nothing to do: both end with the same rows.
 */
export function forgetStation(view: DocumentView, faxId: string): DocumentWrite[] {
  const staged = stagedView(view);
  const inFlight = view.get<FaxInFlight>(C.inFlight, faxId);
  const record = view.get<StationFacts>(C.stationFacts, faxId);
  if (inFlight && (inFlight.station !== undefined || inFlight.stationFacts !== undefined)) {
    const { station: _station, stationFacts: _keys, ...rest } = inFlight;
    staged.write(put(C.inFlight, faxId, rest));
  }
  if (record) staged.write(remove(C.stationFacts, faxId));
  for (const key of [...(inFlight?.stationFacts ?? []), ...(record?.keys ?? [])]) {
    const fact = staged.get<StatsFact>(C.facts, key);
    if (!fact?.station) continue;
    const { station: _station, ...anonymous } = fact;
    staged.write(put(C.facts, key, anonymous));
    const ms = factTime(key);
    for (const [scope, dimension, id] of seriesOf(fact)) {
      if (dimension !== 'st') continue;
      for (const [collection, period] of [
        [C.hours, hourPeriod(ms)],
        [C.days, dayPeriod(ms)],
      ] as const) {
        const bucket = bucketKey(scope, dimension, period, id);
        const left = subtractCounters(staged.get<StatsCounters>(collection, bucket), fact.counters);
        staged.write(isEmptyCounters(left) ? remove(collection, bucket) : put(collection, bucket, left));
      }
    }
  }
  return staged.writes();
}
