/**
 * How statistics buckets are keyed, so that a window is one key-range read per series:
 * `<scope>|<dimension>|<period>|<id>`. The period comes before the id, so the buckets of every
 * gateway (station, tenant) in a time range are contiguous, and periods are fixed-width UTC text
 * (`2026-12-06T14` for an hour, `2026-12-06` for a day), so key order is time order.
 */
export const statsCollections = {
  /** Hourly buckets. */
  hours: 'hours',
  /** Daily buckets (the same counts, summed per UTC day): long windows and per-day figures. */
  days: 'days',
  /**
   * Every counted change with its own time and dimensions, keyed `<ISO time>|<position>`: read only
   * for the part of a window's first hour that the window covers, so windows are exact to the second.
   */
  facts: 'facts',
  /** Faxes in flight: what later events of a fax need (tenant, station, gateway of the attempt). Deleted when the fax ends. */
  inFlight: 'inFlight',
  /**
   * Per ended fax that counted in a station's series, the keys of those facts: what a purge of the
   * fax takes out of the station series (the station id is the remote number). Written when the fax ends.
   */
  stationFacts: 'stationFacts',
} as const;

/** `all`: everything in the scope; `gw`: per carrier gateway; `st`: per remote station. Per tenant: each tenant scope's `all`. */
export type StatsDimensionKey = 'all' | 'gw' | 'st';

/** `*`: every tenant (admins); otherwise one tenant's faxes only. */
export const globalScope = '*';
export const tenantScope = (tenantId: string) => `t:${encodeURIComponent(tenantId)}`;
/** Every tenant scope's keys lie in (tenantScopes.after, tenantScopes.before). */
export const tenantScopes = { after: 't:', before: 't;' } as const;
/** Just past every key of a tenant scope: keys continue with `|`, and an encoded id never holds `|` or `}`. */
export const pastTenantScope = (scope: string) => `${scope}}`;
export const tenantOfScope = (scope: string) => decodeURIComponent(scope.slice(2));
/** The id of the `all` dimension's one series. */
export const allId = '*';

export const seriesPrefix = (scope: string, dimension: StatsDimensionKey) => `${scope}|${dimension}|`;
export const bucketKey = (scope: string, dimension: StatsDimensionKey, period: string, id: string) => `${seriesPrefix(scope, dimension)}${period}|${encodeURIComponent(id)}`;
/** The id part of a bucket key. */
export const bucketId = (key: string) => decodeURIComponent(key.slice(key.lastIndexOf('|') + 1));
/** The period part of a bucket key. */
export const bucketPeriod = (key: string) => {
  const end = key.lastIndexOf('|');
  return key.slice(key.lastIndexOf('|', end - 1) + 1, end);
};

export const hourMs = 3_600_000;
export const dayMs = 24 * hourMs;
/** `2026-12-06T14` for any instant of that UTC hour. */
export const hourPeriod = (ms: number) => new Date(ms).toISOString().slice(0, 13);
/** `2026-12-06` for any instant of that UTC day. */
export const dayPeriod = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const factKey = (iso: string, position: number) => `${iso}|${String(position).padStart(16, '0')}`;
/** The time (ms) of a fact, from its key. */
export const factTime = (key: string) => Date.parse(key.slice(0, key.indexOf('|')));
