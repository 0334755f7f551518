import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { ReactorEventParkedData } from '../../domain/reactors/reactorEvents.js';
import type { Auth } from '../auth/authenticate.js';
import type { AuthEnv } from '../auth/principal.js';
import { adminAuth, jsonContent, problemResponses as P, routeModule } from './openapiHelpers.js';

/** What the route lists: a parked event and when it was parked. */
export type ParkedEventItem = ReactorEventParkedData & { parkedAt: string };

export interface ParkedEventRouteDeps {
  parked: () => ParkedEventItem[];
  auth: Auth;
}

const parkedEventSchema = z
  .object({
    reactor: z.string().openapi({ example: 'fax-relay' }),
    eventId: z.string(),
    stream: z.string().openapi({ example: 'fax-0b6a7c1e' }),
    type: z.string().openapi({ example: 'FaxCallEnded' }),
    position: z.number(),
    revision: z.number(),
    attempts: z.number(),
    error: z.string(),
    parkedAt: z.string(),
  })
  .openapi('ParkedEvent');

const list = createRoute({
  method: 'get',
  path: '/v1/admin/parked-events',
  tags: ['Admin'],
  summary: 'Events a reactor (fax relay, station learning, bus publisher) gave up on after retrying, oldest first',
  security: adminAuth,
  responses: { 200: jsonContent(z.object({ items: z.array(parkedEventSchema) }), 'parked events'), 401: P[401], 403: P[403] },
});

/** Admin route listing parked ("poison") events, so a reactor that skipped one says so. */
export function parkedEventRoutes(deps: ParkedEventRouteDeps): OpenAPIHono<AuthEnv> {
  const routes = routeModule();
  routes.use('/v1/admin/parked-events', deps.auth.admin);
  routes.openapi(list, (c) => c.json({ items: deps.parked() }, 200));
  return routes;
}
