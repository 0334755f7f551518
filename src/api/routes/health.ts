import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../app.js';
import { problemResponse } from '../problem.js';

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Liveness: the process is up',
  responses: { 200: { description: 'alive', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } } },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  summary: 'Readiness: the event store is reachable',
  responses: {
    200: { description: 'ready', content: { 'application/json': { schema: z.object({ status: z.literal('ready'), eventStore: z.literal('ok') }) } } },
    503: { description: 'a dependency is unreachable' },
  },
});

export function healthRoutes(deps: Pick<AppDeps, 'eventStore' | 'logger'>): OpenAPIHono {
  const routes = new OpenAPIHono();
  routes.openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200));
  routes.openapi(readyz, async (c) => {
    try {
      await deps.eventStore.ping();
      return c.json({ status: 'ready' as const, eventStore: 'ok' as const }, 200);
    } catch (error) {
      deps.logger.warn({ err: error }, 'readiness check failed: event store unreachable');
      return problemResponse(c, { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'event store unreachable' }) as never;
    }
  });
  return routes;
}
