import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import type { StationState } from '../../domain/fax/stationKnowledge.js';
import { tryE164 } from '../../domain/tenancy/e164.js';
import type { Clock } from '../../ports/clock.js';
import type { EventStore } from '../../ports/eventStore.js';
import type { Auth } from '../auth/authenticate.js';
import type { AuthEnv } from '../auth/principal.js';
import { createStationFallback } from '../services/stationFallback.js';
import { queryInt } from './v1/schemas.js';
import { adminAuth, jsonBody, jsonContent, problemResponses as P, routeModule } from './openapiHelpers.js';

export interface StationRouteDeps {
  stations: { state(e164: string): StationState | undefined; list(limit: number, after?: string): { items: StationState[]; nextCursor: string | null } };
  /** Resolves once the stations read model includes the appended lesson. */
  settle(e164: string, needsAudio: boolean): Promise<void>;
  eventStore: EventStore;
  clock: Clock;
  defaultCountry: string;
  auth: Auth;
}

const tags = ['Stations'];
const stationSchema = z
  .object({ station: z.string(), needsAudio: z.boolean(), troubles: z.number(), cleanAudioFaxes: z.number(), lastChangeAt: z.string().optional(), lastChangeReason: z.string().optional() })
  .openapi('Station');
const numberParam = z.object({ number: z.string().openapi({ param: { name: 'number', in: 'path' }, example: '+15551234567' }) });
const reasonBody = z.object({ reason: z.string().max(200).optional() });

const stationPage = z
  .object({ items: z.array(stationSchema), nextCursor: z.string().nullable().openapi({ description: 'pass as `cursor` for the next page; null on the last page' }) })
  .openapi('StationPage');
const list = createRoute({
  method: 'get',
  path: '/v1/stations',
  tags,
  summary: 'Remote stations we learned about (T.38 trouble, audio fallback), in E.164 order; cursor pagination',
  security: adminAuth,
  request: { query: z.object({ limit: queryInt(1, 1000).default(100), cursor: z.string().optional() }) },
  responses: { 200: jsonContent(stationPage, 'a page of stations'), 401: P[401], 403: P[403], 422: P[422] },
});
const read = createRoute({ method: 'get', path: '/v1/stations/{number}', tags, summary: 'One station', security: adminAuth, request: { params: numberParam }, responses: { 200: jsonContent(stationSchema, 'the station'), 401: P[401], 404: P[404], 422: P[422] } });
const enable = createRoute({
  method: 'put',
  path: '/v1/stations/{number}/fallback',
  tags,
  summary: 'Use audio (G.711 softmodem) instead of T.38 with this station',
  security: adminAuth,
  request: { params: numberParam, ...jsonBody(reasonBody) },
  responses: { 200: jsonContent(stationSchema, 'the station'), 401: P[401], 422: P[422] },
});
const clear = createRoute({ method: 'delete', path: '/v1/stations/{number}/fallback', tags, summary: 'Try T.38 with this station again', security: adminAuth, request: { params: numberParam }, responses: { 200: jsonContent(stationSchema, 'the station'), 401: P[401], 404: P[404], 422: P[422] } });
const legacy = createRoute({
  method: 'post',
  path: '/admin/fallback',
  tags,
  summary: "The original's route: put a number on the softmodem fallback list",
  security: adminAuth,
  request: jsonBody(z.object({ number: z.string().min(1) })),
  responses: { 200: jsonContent(z.object({ success: z.literal(true), number: z.string() }), 'added'), 401: P[401], 422: P[422] },
});

/** Admin routes to list, set and clear what we know about remote fax stations. */
export function stationRoutes(deps: StationRouteDeps): OpenAPIHono<AuthEnv> {
  const routes = routeModule();
  routes.use('/v1/stations', deps.auth.admin);
  routes.use('/v1/stations/*', deps.auth.admin);
  routes.use('/admin/fallback', deps.auth.legacyAdmin);
  const e164 = (raw: string) => {
    const number = tryE164(raw, deps.defaultCountry);
    if (!number) throw new ValidationError('number', `${raw} is not a phone number`);
    return number;
  };
  const { change } = createStationFallback(deps);

  routes.openapi(list, (c) => {
    const { limit, cursor } = c.req.valid('query');
    return c.json(deps.stations.list(limit, cursor), 200);
  });
  routes.openapi(read, (c) => {
    const station = deps.stations.state(e164(c.req.valid('param').number));
    if (!station) throw new NotFoundError(`no knowledge about station ${c.req.valid('param').number}`);
    return c.json(station, 200);
  });
  routes.openapi(enable, async (c) => c.json(await change(e164(c.req.valid('param').number), 'StationFallbackEnabled', c.req.valid('json').reason ?? 'set by an administrator'), 200));
  routes.openapi(clear, async (c) => {
    const station = e164(c.req.valid('param').number);
    if (!deps.stations.state(station)) throw new NotFoundError(`no knowledge about station ${station}`);
    return c.json(await change(station, 'StationFallbackCleared', 'cleared by an administrator'), 200);
  });
  routes.openapi(legacy, async (c) => {
    const { number } = c.req.valid('json');
    await change(e164(number), 'StationFallbackEnabled', 'set through /admin/fallback');
    return c.json({ success: true as const, number }, 200);
  });
  return routes;
}
