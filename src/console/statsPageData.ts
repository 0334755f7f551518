import { figuresOf, type StatsCounters, type StatsFigures } from '../../projections/statsCounters.js';
import { allId, dayPeriod } from '../../projections/statsKeys.js';
import { dailySums, tenantWindowSums, windowSums, windowTotal, type StatsDocuments, type StatsScope } from '../../projections/statsQueries.js';
import { statsWindows } from '../api/routes/statsSchemas.js';

/** The windows the page offers (the API's, but the hour: a daily chart of one hour says nothing). */
export const consoleStatsWindows = ['24h', '7d', '30d'] as const;
export type ConsoleStatsWindow = (typeof consoleStatsWindows)[number];

export interface StatsItem {
  key: string;
  /** What the page calls it, when not its key: a tenant's name and id. */
  label?: string;
  figures: StatsFigures;
}

export interface StatsPageData {
  window: ConsoleStatsWindow;
  from: string;
  to: string;
  /** The tenant whose faxes are counted; undefined: every tenant's (admin). */
  scope: StatsScope;
  /** The scope in words: `every tenant`, `tenant Acme (t1)`. */
  scopeLabel: string;
  summary: StatsFigures;
  /** Each UTC day the window touches, oldest first, empty days included. */
  daily: { day: string; figures: StatsFigures }[];
  gateways: StatsItem[];
  stations: StatsItem[];
  /** Admins only. */
  tenants?: StatsItem[];
}

/** Bars per chart: the busiest ones, as the API's lists (its default limit is larger; a chart of 50 bars is unreadable). */
export const statsPageItems = 10;

/**
 * The page's figures, from the same read-model queries and with the same scoping as `/v1/stats/*`:
 * a tenant user's own tenant (or the one an admin acts as), an admin's every tenant; per gateway, station, tenant and UTC day.
 */
export function statsPageData(
  documents: StatsDocuments,
  /** The tenant whose figures to show (a tenant user's, or the one an admin acts as); undefined: every tenant's. */
  scope: StatsScope,
  window: ConsoleStatsWindow,
  endMs: number,
  tenantName: (tenantId: string) => string | undefined = () => undefined,
): StatsPageData {
  const tenantLabel = (tenantId: string) => {
    const name = tenantName(tenantId);
    return name === undefined ? tenantId : `${name} (${tenantId})`;
  };
  const lengthMs = statsWindows[window];
  const startMs = endMs - lengthMs;
  // As the API: station fallbacks are known per station, so only in every tenant's overall and per-station figures.
  const figures = (counters: StatsCounters, stationFallbacks: boolean) => figuresOf(counters, { stationFallbacks: stationFallbacks && scope === undefined });
  const items = (sums: Map<string, StatsCounters>, stationFallbacks: boolean): StatsItem[] =>
    [...sums]
      .map(([key, counters]) => ({ key, figures: figures(counters, stationFallbacks) }))
      .sort((a, b) => b.figures.faxes.total - a.figures.faxes.total || b.figures.attempts - a.figures.attempts || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .slice(0, statsPageItems);

  const data: StatsPageData = {
    window,
    from: new Date(startMs).toISOString(),
    to: new Date(endMs).toISOString(),
    scope,
    scopeLabel: scope === undefined ? 'every tenant' : `tenant ${tenantLabel(scope)}`,
    summary: figures(windowTotal(documents, scope, endMs, lengthMs), true),
    daily: dailySums(documents, scope, 'all', allId, dayPeriod(startMs), dayPeriod(endMs)).map(({ day, counters }) => ({ day, figures: figures(counters, true) })),
    gateways: items(windowSums(documents, scope, 'gw', endMs, lengthMs), false),
    stations: items(windowSums(documents, scope, 'st', endMs, lengthMs), true),
  };
  if (scope === undefined) data.tenants = items(tenantWindowSums(documents, endMs, lengthMs), false).map((item) => ({ ...item, label: tenantLabel(item.key) }));
  return data;
}

