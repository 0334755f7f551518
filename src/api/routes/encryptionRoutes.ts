import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { EncryptionStatus } from '../../domain/encryptionStatus.js';
import type { Auth } from '../auth/authenticate.js';
import type { AuthEnv } from '../auth/principal.js';
import { adminAuth, jsonContent, problemResponses as P, routeModule } from './openapiHelpers.js';

export interface EncryptionRouteDeps {
  status(): Promise<EncryptionStatus>;
  reload(): Promise<EncryptionStatus>;
  auth: Auth;
}

const statusSchema = z
  .object({
    currentKey: z.string().openapi({ example: 'k2' }),
    keys: z.array(z.object({ id: z.string(), current: z.boolean(), items: z.number(), removable: z.boolean() })),
    stores: z.array(z.object({ name: z.string().openapi({ example: 'documents' }), byKey: z.record(z.string(), z.number()), underOldKeys: z.number() })),
    missingKeys: z.array(z.object({ key: z.string(), store: z.string(), items: z.number() })),
    reencrypted: z.boolean(),
    countedAt: z.string(),
  })
  .openapi('EncryptionStatus');

const status = createRoute({
  method: 'get',
  path: '/v1/admin/encryption',
  tags: ['Admin'],
  summary: 'Encryption at rest: items per store and key, which old keys may be removed, keys missing from the ring',
  security: adminAuth,
  responses: { 200: jsonContent(statusSchema, 'counted now'), 401: P[401], 403: P[403] },
});

const reload = createRoute({
  method: 'post',
  path: '/v1/admin/encryption/reload',
  tags: ['Admin'],
  summary: "Reloads this instance's key ring (key file, config) after a rotation; refused when it would drop a key still in use",
  security: adminAuth,
  responses: { 200: jsonContent(statusSchema, 'reloaded; the status after it'), 401: P[401], 403: P[403], 409: P[409], 422: P[422] },
});

/** Admin routes of key rotation (README: Encryption at rest). */
export function encryptionRoutes(deps: EncryptionRouteDeps): OpenAPIHono<AuthEnv> {
  const routes = routeModule();
  routes.use('/v1/admin/encryption', deps.auth.admin);
  routes.use('/v1/admin/encryption/*', deps.auth.admin);
  routes.openapi(status, async (c) => c.json(await deps.status(), 200));
  routes.openapi(reload, async (c) => c.json(await deps.reload(), 200));
  return routes;
}
