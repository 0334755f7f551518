import { createRoute, type OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { figuresOf, type StatsCounters } from '../../../projections/statsCounters.js';
import type { StatsDimensionKey } from '../../../projections/statsKeys.js';
import { statsStationKey } from '../../../projections/statsProjection.js';
import { dailySums, tenantWindowSums, windowSums, windowTotal, type StatsDocuments, type StatsScope } from '../../../projections/statsQueries.js';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import type { Clock } from '../../ports/clock.js';
import type { Auth } from '../auth/authenticate.js';
import type { AuthEnv } from '../auth/principal.js';
import { adminAuth, anyAuth, jsonContent, problemResponses as P, routeModule } from './openapiHelpers.js';
import { dailyQuery, listQuery, statsDaily, tenantListQuery, statsList, statsSummary, statsWindows, windowQuery, type StatsWindow } from './statsSchemas.js';

export interface StatsRouteDeps {
  /** The statistics read model's key-range reads (the projection runner's `page`). */
  stats: StatsDocuments;
  /** "Now": where every window ends. */
  clock: Clock;
  /** `numbers.defaultCountry`: a station asked for as `5551234567` is `+15551234567`, as the statistics keep it. */
  defaultCountry: string;
  auth: Auth;
}

const tags = ['Statistics'];
const scoped = 'A tenant user sees its own tenant\'s faxes only; an admin sees every tenant\'s, or one with `tenantId`.';
const summary = createRoute({
  method: 'get',
  path: '/v1/stats/summary',
  tags,
  summary: 'Fax statistics over the last hour, day, week or 30 days',
  description: scoped,
  security: anyAuth,
  request: { query: windowQuery },
  responses: { 200: jsonContent(statsSummary, 'the figures of the window'), 401: P[401], 404: P[404], 422: P[422] },
});
const listRoute = (path: string, what: string, id: string, name: string, security = anyAuth, query: typeof listQuery | typeof tenantListQuery = listQuery) =>
  createRoute({
    method: 'get',
    path,
    tags,
    summary: `Fax statistics per ${what} over a window, most faxes first`,
    description: security === anyAuth ? scoped : 'Admin only.',
    security,
    request: { query },
    responses: { 200: jsonContent(statsList(id, name), `the figures of each ${what}`), 401: P[401], 404: P[404], 422: P[422] },
  });
const gateways = listRoute('/v1/stats/gateways', 'carrier gateway', 'gateway', 'StatsPerGateway');
const stations = listRoute('/v1/stats/stations', 'remote station (E.164, or the caller digits as signalled)', 'station', 'StatsPerStation');
const tenants = listRoute('/v1/stats/tenants', 'tenant', 'tenantId', 'StatsPerTenant', adminAuth, tenantListQuery);
const daily = createRoute({
  method: 'get',
  path: '/v1/stats/daily',
  tags,
  summary: 'Fax statistics per UTC day, for everything or one gateway, station or tenant',
  description: scoped,
  security: anyAuth,
  request: { query: dailyQuery },
  responses: { 200: jsonContent(statsDaily, 'one entry per day, empty days included'), 401: P[401], 404: P[404], 422: P[422] },
});

const dimensionKeys: Record<'gateway' | 'station', StatsDimensionKey> = { gateway: 'gw', station: 'st' };
const maxDays = 366;

/** `/v1/stats/…`: sums of the statistics read model's buckets over a window ending now, or per day. */
export function statsRoutes(deps: StatsRouteDeps): OpenAPIHono<AuthEnv> {
  const routes = routeModule();
  const stationKey = statsStationKey(deps.defaultCountry);
  routes.use('/v1/stats/tenants', deps.auth.admin);
  routes.use('/v1/stats/*', deps.auth.any);

  const window = (name: StatsWindow) => {
    const endMs = deps.clock.now().getTime();
    const lengthMs = statsWindows[name];
    return { endMs, lengthMs, head: { window: name, from: new Date(endMs - lengthMs).toISOString(), to: new Date(endMs).toISOString() } };
  };
  // Station fallbacks are known per station, not per tenant or gateway.
  const figures = (counters: StatsCounters, scope: StatsScope, stationFallbacks = true) => figuresOf(counters, { stationFallbacks: stationFallbacks && scope === undefined });

  routes.openapi(summary, (c) => {
    const query = c.req.valid('query');
    const scope = scopeOf(c, query.tenantId);
    const { endMs, lengthMs, head } = window(query.window);
    return c.json({ ...head, tenantId: scope ?? null, figures: figures(windowTotal(deps.stats, scope, endMs, lengthMs), scope) }, 200);
  });

  function list(c: Context<AuthEnv>, query: z.infer<typeof listQuery> | z.infer<typeof tenantListQuery>, dimension: StatsDimensionKey | 'tenant', id: string, stationFallbacks: boolean) {
    const scope = scopeOf(c, 'tenantId' in query ? query.tenantId : undefined);
    const { endMs, lengthMs, head } = window(query.window);
    const sums = dimension === 'tenant' ? tenantWindowSums(deps.stats, endMs, lengthMs) : windowSums(deps.stats, scope, dimension, endMs, lengthMs);
    const items = [...sums]
      .map(([key, counters]) => ({ key, figures: figures(counters, scope, stationFallbacks) }))
      .sort((a, b) => b.figures.faxes.total - a.figures.faxes.total || b.figures.attempts - a.figures.attempts || compare(a.key, b.key))
      .slice(0, query.limit)
      .map(({ key, figures: values }) => ({ [id]: key, ...values }));
    return c.json({ ...head, tenantId: scope ?? null, items }, 200);
  }
  routes.openapi(gateways, (c) => list(c, c.req.valid('query'), 'gw', 'gateway', false));
  routes.openapi(stations, (c) => list(c, c.req.valid('query'), 'st', 'station', true));
  routes.openapi(tenants, (c) => list(c, c.req.valid('query'), 'tenant', 'tenantId', false));

  routes.openapi(daily, (c) => {
    const query = c.req.valid('query');
    if (query.to < query.from) throw new ValidationError('to', 'before from');
    if ((Date.parse(query.to) - Date.parse(query.from)) / 86_400_000 >= maxDays) throw new ValidationError('to', `at most ${maxDays} days after from`);
    let scope = scopeOf(c, query.tenantId);
    let dimension: StatsDimensionKey = 'all';
    let id = '*';
    if (query.dimension === 'tenant') {
      // A tenant's own series is its scope's `all`: one read, for admins and the tenant's users alike.
      scope = scopeOf(c, query.id ?? scope);
      if (scope === undefined) throw new ValidationError('id', 'required: the tenant id');
    } else if (query.dimension !== 'all') {
      if (!query.id) throw new ValidationError('id', `required: the ${query.dimension}`);
      dimension = dimensionKeys[query.dimension];
      id = query.dimension === 'station' ? stationKey(query.id) : query.id;
    }
    const items = dailySums(deps.stats, scope, dimension, id, query.from, query.to).map(({ day, counters }) => ({ day, ...figures(counters, scope, query.dimension === 'all' || query.dimension === 'station') }));
    return c.json({ dimension: query.dimension, id: query.dimension === 'all' ? null : query.dimension === 'tenant' ? (scope ?? null) : id, tenantId: scope ?? null, items }, 200);
  });
  return routes;
}

/**
 * Whose faxes a request counts: a tenant user's own tenant's, always; an admin's, every tenant's
 * or the one named. Another tenant's id answers like a missing one, as the other routes do.
 */
function scopeOf(c: Context<AuthEnv>, tenantId: string | undefined): StatsScope {
  const principal = c.get('principal');
  if (principal.kind === 'admin') return tenantId;
  if (tenantId !== undefined && tenantId !== principal.tenantId) throw new NotFoundError(`tenant ${tenantId} not found`);
  return principal.tenantId;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
