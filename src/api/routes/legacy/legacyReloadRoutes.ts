import { type OpenAPIHono, createRoute } from '@hono/zod-openapi';
import type { AuthEnv } from '../../auth/principal.js';
import { adminAuth, jsonContent, problemResponses as P, routeModule } from '../openapiHelpers.js';
import { message, messageSchema } from './legacyFormat.js';

const reload = createRoute({
  method: 'get',
  path: '/admin/reload',
  tags: ['Original admin API'],
  summary: 'Kept for compatibility: read models follow every change as it happens, so there is nothing to reload',
  security: adminAuth,
  responses: { 200: jsonContent(messageSchema, 'done'), 401: P[401], 503: P[503] },
});

export function legacyReloadRoutes(): OpenAPIHono<AuthEnv> {
  const routes = routeModule();
  routes.openapi(reload, (c) => c.json(message('Data reloaded successfully'), 200));
  return routes;
}
