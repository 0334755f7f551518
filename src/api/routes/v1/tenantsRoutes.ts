import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { listTenants } from '../../../../projections/directoryQueries.js';
import type { AuthEnv } from '../../auth/principal.js';
import { adminAuth, anyAuth, jsonBody, jsonContent, noContent, problemResponses as P, routeModule } from '../openapiHelpers.js';
import type { TenancyRouteDeps } from '../tenancyApiDeps.js';
import { visibleTenant } from './access.js';
import { pageOf, pageQuery, queryFlag, tenantIdParam, tenantInput, tenantPatch, tenantSchema } from './schemas.js';

const tags = ['Tenants'];

const list = createRoute({
  method: 'get',
  path: '/v1/tenants',
  tags,
  summary: 'List tenants (a tenant user sees only its own)',
  security: anyAuth,
  request: { query: pageQuery.extend({ name: z.string().optional(), includeDeleted: queryFlag }) },
  responses: { 200: jsonContent(pageOf(tenantSchema, 'TenantPage'), 'tenants'), 401: P[401], 429: P[429] },
});

const create = createRoute({
  method: 'post',
  path: '/v1/tenants',
  tags,
  summary: 'Create a tenant',
  security: adminAuth,
  request: jsonBody(tenantInput),
  responses: { 201: jsonContent(tenantSchema, 'created'), 401: P[401], 403: P[403], 422: P[422], 503: P[503] },
});

const read = createRoute({
  method: 'get',
  path: '/v1/tenants/{tenantId}',
  tags,
  summary: 'Read a tenant',
  security: anyAuth,
  request: { params: tenantIdParam },
  responses: { 200: jsonContent(tenantSchema, 'the tenant'), 401: P[401], 404: P[404] },
});

const update = createRoute({
  method: 'patch',
  path: '/v1/tenants/{tenantId}',
  tags,
  summary: 'Change a tenant (fields left out keep their value)',
  security: adminAuth,
  request: { params: tenantIdParam, ...jsonBody(tenantPatch) },
  responses: { 200: jsonContent(tenantSchema, 'the tenant'), 401: P[401], 403: P[403], 404: P[404], 422: P[422] },
});

const remove = createRoute({
  method: 'delete',
  path: '/v1/tenants/{tenantId}',
  tags,
  summary: 'Delete a tenant: releases its numbers, disables its users and endpoints',
  security: adminAuth,
  request: { params: tenantIdParam },
  responses: { ...noContent, 401: P[401], 403: P[403], 404: P[404] },
});

export function v1TenantsRoutes(deps: TenancyRouteDeps): OpenAPIHono<AuthEnv> {
  const routes = routeModule();
  routes.use('/v1/tenants', deps.auth.readOrAdmin);
  routes.use('/v1/tenants/:tenantId', deps.auth.readOrAdmin);

  routes.openapi(list, (c) => {
    const { limit, offset, name, includeDeleted } = c.req.valid('query');
    const principal = c.get('principal');
    const ids = principal.kind === 'user' ? [principal.tenantId] : undefined;
    return c.json(listTenants(deps.directory(), { name, includeDeleted: principal.kind === 'admin' && includeDeleted, ids }, { limit, offset }), 200);
  });
  routes.openapi(create, async (c) => {
    const tenantId = await deps.commands.createTenant(c.req.valid('json'));
    c.header('Location', `/v1/tenants/${tenantId}`);
    return c.json(visibleTenant(c, deps.directory(), tenantId), 201);
  });
  routes.openapi(read, (c) => c.json(visibleTenant(c, deps.directory(), c.req.valid('param').tenantId), 200));
  routes.openapi(update, async (c) => {
    const { tenantId } = c.req.valid('param');
    await deps.commands.updateTenant(tenantId, c.req.valid('json'));
    return c.json(visibleTenant(c, deps.directory(), tenantId), 200);
  });
  routes.openapi(remove, async (c) => {
    await deps.commands.deleteTenant(c.req.valid('param').tenantId);
    return c.body(null, 204);
  });
  return routes;
}
