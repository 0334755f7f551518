import { accumulate, type StatsCounters } from './statsCounters.js';
import { statsProjectionName, type StatsFact } from './statsProjection.js';
import {
  allId,
  bucketId,
  bucketPeriod,
  dayMs,
  dayPeriod,
  globalScope,
  hourMs,
  hourPeriod,
  seriesPrefix,
  statsCollections as C,
  pastTenantScope,
  tenantOfScope,
  tenantScope,
  tenantScopes,
  type StatsDimensionKey,
} from './statsKeys.js';

/** Where statistics buckets are read: the read store's key-range reads (ProjectionRunner.page). */
export interface StatsDocuments {
  page(projection: string, collection: string, limit: number, after?: string, before?: string): { key: string; doc: unknown }[];
}

/** Rows per range read: a window reads its buckets a page at a time. */
const pageSize = 1000;

/** Every document of `collection` with a key in (after, before), a page at a time. */
function* range(documents: StatsDocuments, collection: string, after: string, before: string): Generator<{ key: string; doc: unknown }> {
  for (let from = after; ; ) {
    const rows = documents.page(statsProjectionName, collection, pageSize, from, before);
    yield* rows;
    if (rows.length < pageSize) return;
    from = rows.at(-1)!.key;
  }
}

/** One tenant's faxes, or every tenant's (undefined). */
export type StatsScope = string | undefined;

/** A series' sums per id over a time range [fromMs, toMs), whole hours or days. */
type Sums = Map<string, StatsCounters>;

function addTo(sums: Sums, id: string, counters: StatsCounters): void {
  let sum = sums.get(id);
  if (!sum) sums.set(id, (sum = {}));
  accumulate(sum, counters);
}

function readBuckets(documents: StatsDocuments, sums: Sums, scope: StatsScope, dimension: StatsDimensionKey, unit: 'hour' | 'day', fromMs: number, toMs: number): void {
  if (toMs <= fromMs) return;
  const period = unit === 'hour' ? hourPeriod : dayPeriod;
  const prefix = seriesPrefix(scope === undefined ? globalScope : tenantScope(scope), dimension);
  // `prefix + period` sorts before every key of that period (they continue with `|id`), and `before` excludes the end period.
  for (const { key, doc } of range(documents, unit === 'hour' ? C.hours : C.days, prefix + period(fromMs), prefix + period(toMs))) addTo(sums, bucketId(key), doc as StatsCounters);
}

/** The counted changes in [fromMs, toMs) (at most one hour's), summed under the id `idOf` gives each (none: not counted). */
function readFacts(documents: StatsDocuments, sums: Sums, fromMs: number, toMs: number, idOf: (fact: StatsFact) => string | undefined): void {
  if (toMs <= fromMs) return;
  // Just below the first key at fromMs (`<iso>|<position>`), and the first key at toMs.
  for (const { doc } of range(documents, C.facts, new Date(fromMs).toISOString(), new Date(toMs).toISOString())) {
    const fact = doc as StatsFact;
    const id = idOf(fact);
    if (id !== undefined) addTo(sums, id, fact.counters);
  }
}

/** The id a change counts under in one dimension of a scope's figures (every tenant's: undefined), if it counts there. */
function idIn(scope: StatsScope, dimension: StatsDimensionKey): (fact: StatsFact) => string | undefined {
  return (fact) => {
    if (scope !== undefined && fact.tenantId !== scope) return undefined;
    return dimension === 'all' ? allId : dimension === 'gw' ? fact.gateway : fact.station;
  };
}

/** Every tenant with statistics, found by skipping from one tenant scope's keys to the next (two short reads per tenant). */
function* tenantsCounted(documents: StatsDocuments): Generator<string> {
  for (let after: string = tenantScopes.after; ; ) {
    const [next] = documents.page(statsProjectionName, C.hours, 1, after, tenantScopes.before);
    if (!next) return;
    const scope = next.key.slice(0, next.key.indexOf('|'));
    yield tenantOfScope(scope);
    after = pastTenantScope(scope);
  }
}

/**
 * The scopes whose buckets make a scope's figures in a dimension: a tenant's own; for every
 * tenant's gateways and stations, the global series (changes of no tenant) and each tenant's (see seriesOf).
 */
function scopesOf(documents: StatsDocuments, scope: StatsScope, dimension: StatsDimensionKey): Iterable<StatsScope> {
  return scope !== undefined || dimension === 'all' ? [scope] : [undefined, ...tenantsCounted(documents)];
}

interface WindowParts {
  /** The partial first hour, read from the counted changes. */
  facts: [fromMs: number, toMs: number];
  firstHour: number;
  endHour: number;
  firstDay: number;
  lastDay: number;
}

/** The window (endMs − lengthMs, endMs] cut into its partial first hour, whole hours and whole days. */
function windowParts(endMs: number, lengthMs: number): WindowParts {
  const startMs = endMs - lengthMs;
  const firstHour = Math.ceil(startMs / hourMs) * hourMs;
  const endHour = Math.floor(endMs / hourMs) * hourMs + hourMs;
  return { facts: [startMs, Math.min(firstHour, endMs)], firstHour, endHour, firstDay: Math.ceil(firstHour / dayMs) * dayMs, lastDay: Math.floor(endHour / dayMs) * dayMs };
}

/** A series' whole hours up to the first midnight, whole days, then the hours of the last day up to and including the current one. */
function readWindowBuckets(documents: StatsDocuments, sums: Sums, scope: StatsScope, dimension: StatsDimensionKey, parts: WindowParts): void {
  const { firstHour, endHour, firstDay, lastDay } = parts;
  if (firstDay < lastDay) {
    readBuckets(documents, sums, scope, dimension, 'hour', firstHour, firstDay);
    readBuckets(documents, sums, scope, dimension, 'day', firstDay, lastDay);
    readBuckets(documents, sums, scope, dimension, 'hour', lastDay, endHour);
  } else readBuckets(documents, sums, scope, dimension, 'hour', firstHour, endHour);
}

/**
 * Sums per id of a dimension over the window (endMs − lengthMs, endMs]. Reads are proportional to
 * the buckets in the window (and the changes of its partial first hour), never to the history before it.
 */
export function windowSums(documents: StatsDocuments, scope: StatsScope, dimension: StatsDimensionKey, endMs: number, lengthMs: number): Sums {
  const sums: Sums = new Map();
  const parts = windowParts(endMs, lengthMs);
  readFacts(documents, sums, ...parts.facts, idIn(scope, dimension));
  for (const part of scopesOf(documents, scope, dimension)) readWindowBuckets(documents, sums, part, dimension, parts);
  return sums;
}

/**
 * Sums per tenant over the window: each tenant scope's `all` series, found by skipping from one
 * tenant scope to the next (two short reads per tenant ever counted: tenants are few, faxes many).
 */
export function tenantWindowSums(documents: StatsDocuments, endMs: number, lengthMs: number): Sums {
  const sums: Sums = new Map();
  const parts = windowParts(endMs, lengthMs);
  readFacts(documents, sums, ...parts.facts, (fact) => fact.tenantId);
  for (const tenantId of tenantsCounted(documents)) {
    const own: Sums = new Map();
    readWindowBuckets(documents, own, tenantId, 'all', parts);
    const counters = own.get(allId);
    if (counters) addTo(sums, tenantId, counters);
  }
  return sums;
}

/** The window's sum over everything in the scope. */
export function windowTotal(documents: StatsDocuments, scope: StatsScope, endMs: number, lengthMs: number): StatsCounters {
  return windowSums(documents, scope, 'all', endMs, lengthMs).get(allId) ?? {};
}

/** Per UTC day from `fromDay` to `toDay` (inclusive, `yyyy-mm-dd`): the days' sums for one id of a dimension. */
export function dailySums(documents: StatsDocuments, scope: StatsScope, dimension: StatsDimensionKey, id: string, fromDay: string, toDay: string): { day: string; counters: StatsCounters }[] {
  const fromMs = Date.parse(`${fromDay}T00:00:00.000Z`);
  const toMs = Date.parse(`${toDay}T00:00:00.000Z`) + dayMs;
  const byDay = new Map<string, StatsCounters>();
  for (const part of scopesOf(documents, scope, dimension)) {
    const prefix = seriesPrefix(part === undefined ? globalScope : tenantScope(part), dimension);
    for (const { key, doc } of range(documents, C.days, prefix + dayPeriod(fromMs), prefix + dayPeriod(toMs))) {
      if (bucketId(key) !== id) continue;
      const sum = byDay.get(bucketPeriod(key)) ?? {};
      accumulate(sum, doc as StatsCounters);
      byDay.set(bucketPeriod(key), sum);
    }
  }
  const days: { day: string; counters: StatsCounters }[] = [];
  for (let ms = fromMs; ms < toMs; ms += dayMs) days.push({ day: dayPeriod(ms), counters: byDay.get(dayPeriod(ms)) ?? {} });
  return days;
}
