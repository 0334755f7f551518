import { tryE164 } from '../src/domain/tenancy/e164.js';
import { put, remove, stagedView, type DocumentProjection, type DocumentView, type DocumentWrite, type ProjectedEvent } from './documentProjection.js';
import { addCounters, type StatsCounters } from './statsCounters.js';
import { statsDelta, type FaxInFlight, type StatsDelta } from './statsDelta.js';
import { allId, bucketKey, dayPeriod, factKey, globalScope, hourPeriod, statsCollections as C, tenantScope, type StatsDimensionKey } from './statsKeys.js';
import { forgetStation, withStationFacts } from './statsPurge.js';

export const statsProjectionName = 'stats';

/** The dimensions of a counted change, and what the facts collection keeps of it. */
export interface StatsFact {
  tenantId?: string;
  gateway?: string;
  station?: string;
  counters: StatsCounters;
}

/**
 * Fax statistics: hourly and daily buckets of summable counts (statsCounters.ts) per carrier
 * gateway, remote station and tenant, globally and within each tenant, plus every counted change
 * with its exact time (for a window's partial first hour). A fax is counted when it ends (faxes,
 * successes, failures by cause), a call when its attempt ends (attempts, pages, transfer time,
 * T.38 or audio), a fallback when it is scheduled; each at the time of the event that tells it.
 * Times come from the events (`created`), never from a clock, so a rebuild gives the same buckets.
 */
export function createStatsProjection(options: { defaultCountry: string }): DocumentProjection {
  const stationOf = statsStationKey(options.defaultCountry);
  return {
    name: statsProjectionName,
    handles: [
      'FaxCallOffered',
      'FaxCallRejected',
      'FaxCallAnswered',
      'FaxBridged',
      'FaxCallEnded',
      'FaxReceived',
      'FaxReceiveFailed',
      'FaxReceiveInterrupted',
      'FaxQueued',
      'FaxSendAttemptStarted',
      'FaxDialOverridesApplied',
      'FaxNegotiated',
      'FaxPageTransferred',
      'FaxSendAttemptFailed',
      'FaxSendAttemptInterrupted',
      'FaxRetryScheduled',
      'FaxSent',
      'FaxFailed',
      'FaxCancelled',
      'StationFallbackEnabled',
      'FaxPurged',
    ],
    historyCollections: [C.hours, C.days, C.facts, C.inFlight, C.stationFacts],
    init: () => [],
    evolve(view, event) {
      const ms = Date.parse(event.created);
      // A malformed event must not stop the runner that folds every read model.
      if (!Number.isFinite(ms)) return [];
      if (event.type === 'StationFallbackEnabled') {
        const station = (event.data as { station?: unknown }).station;
        return typeof station === 'string' && station !== '' ? countAll(view, event, ms, [{ station, counters: { stationFallbacks: 1 } }]) : [];
      }
      const faxId = (event.data as { faxId?: unknown } | undefined)?.faxId;
      if (typeof faxId !== 'string' || faxId === '') return [];
      if (event.type === 'FaxPurged') return forgetStation(view, faxId);
      // A fax's first event finds nothing: no read (in a catch-up, a read of a missing row costs most).
      const fax = event.type === 'FaxCallOffered' || event.type === 'FaxQueued' ? undefined : view.get<FaxInFlight>(C.inFlight, faxId);
      const delta: StatsDelta = statsDelta(fax, event, stationOf);
      const writes = countAll(view, event, ms, delta.facts);
      const { next, ended } = withStationFacts(fax, delta, factKeysOf(event, ms, delta.facts));
      if (ended) writes.push(put(C.stationFacts, faxId, ended));
      if (next === null) writes.push(...(fax ? [remove(C.inFlight, faxId)] : []));
      else if (next !== undefined) writes.push(put(C.inFlight, faxId, next));
      return writes;
    },
  };
}

/**
 * A remote station's id in the statistics, as the read store indexes caller numbers: E.164 when it
 * reads as one in `defaultCountry`, else its digits, else the text. Queries read a station id the same way.
 */
export function statsStationKey(defaultCountry: string): (raw: string) => string {
  return (raw) => {
    const text = raw.trim();
    return tryE164(text, defaultCountry) ?? (text.replace(/\D/g, '') || text.toLowerCase());
  };
}

/** The fact keys of an event's counted changes that count in a station's series. */
function factKeysOf(event: ProjectedEvent, ms: number, facts: readonly StatsFact[]): string[] {
  const iso = new Date(ms).toISOString();
  return facts.flatMap((fact, index) => (fact.station ? [factKey(iso, event.position * 4 + index)] : []));
}

/** The bucket writes of the counted changes (one event may count in several: a call and its fax). */
function countAll(view: DocumentView, event: ProjectedEvent, ms: number, facts: readonly StatsFact[]): DocumentWrite[] {
  if (facts.length === 0) return [];
  const staged = stagedView(view);
  const iso = new Date(ms).toISOString();
  const hour = hourPeriod(ms);
  const day = dayPeriod(ms);
  facts.forEach((fact, index) => {
    // Positions are unique per event; the index keeps two changes of one event apart.
    staged.write(put(C.facts, factKey(iso, event.position * 4 + index), fact));
    for (const [scope, dimension, id] of seriesOf(fact)) {
      for (const [collection, period] of [
        [C.hours, hour],
        [C.days, day],
      ] as const) {
        const key = bucketKey(scope, dimension, period, id);
        staged.write(put(collection, key, addCounters(staged.get<StatsCounters>(collection, key), fact.counters)));
      }
    }
  });
  return staged.writes();
}

/**
 * Every series a change counts in: the global `all` (for admins) and its tenant's own. A tenant's
 * change counts per gateway and station in its tenant's series only: the admins' figures per
 * gateway and station are the sums over the tenant scopes (statsQueries), which saves two of the
 * rows a fax to a new station writes (~25 % of the fold's rows at 1M faxes). Only changes of no
 * tenant (a station switched to audio) count in global gateway and station series.
 */
export function seriesOf(fact: Omit<StatsFact, 'counters'>): [scope: string, dimension: StatsDimensionKey, id: string][] {
  const series: [string, StatsDimensionKey, string][] = [[globalScope, 'all', allId]];
  const scope = fact.tenantId ? tenantScope(fact.tenantId) : globalScope;
  // A tenant's `all` series is also its line in the per-tenant list (statsQueries.tenantWindowSums).
  if (fact.tenantId) series.push([scope, 'all', allId]);
  if (fact.gateway) series.push([scope, 'gw', fact.gateway]);
  if (fact.station) series.push([scope, 'st', fact.station]);
  return series;
}
