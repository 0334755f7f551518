import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { findEndpoint, listEndpoints } from '../../../../projections/directoryQueries.js';
import { NotFoundError } from '../../../domain/errors.js';
import type { AuthEnv } from '../../auth/principal.js';
import { adminAuth, anyAuth, jsonBody, jsonContent, noContent, problemResponses as P, routeModule } from '../openapiHelpers.js';
import type { TenancyRouteDeps } from '../tenancyApiDeps.js';
import { visibleChild, visibleTenant } from './access.js';
import { toEndpointPatch } from './endpointInput.js';
import { endpointSchema, globalEndpointInput, globalEndpointPatch, pageOf, pageQuery, tenantEndpointInput, tenantEndpointPatch, tenantIdParam } from './schemas.js';

const tags = ['Endpoints'];
const endpointId = z.string().openapi({ param: { name: 'endpointId', in: 'path' } });
const tenantEndpointParams = tenantIdParam.extend({ endpointId });
const endpointPage = pageOf(endpointSchema, 'EndpointPage');
const kinds = z.enum(['gateway', 'email', 'webhook']);
const tenantBase = '/v1/tenants/{tenantId}/endpoints';

const tenantList = createRoute({
  method: 'get',
  path: tenantBase,
  tags,
  summary: "A tenant's endpoints (tenant and number scope)",
  security: anyAuth,
  request: { params: tenantIdParam, query: pageQuery.extend({ numberId: z.string().optional(), kind: kinds.optional() }) },
  responses: { 200: jsonContent(endpointPage, 'endpoints'), 401: P[401], 404: P[404] },
});
const tenantAdd = createRoute({
  method: 'post',
  path: tenantBase,
  tags,
  summary: 'Add a tenant endpoint (with `numberId`: an endpoint of that number, which overrides the tenant\'s)',
  security: adminAuth,
  request: { params: tenantIdParam, ...jsonBody(tenantEndpointInput) },
  responses: { 201: jsonContent(endpointSchema, 'added'), 401: P[401], 403: P[403], 404: P[404], 422: P[422] },
});
const tenantRead = createRoute({
  method: 'get',
  path: `${tenantBase}/{endpointId}`,
  tags,
  summary: 'Read a tenant endpoint',
  security: anyAuth,
  request: { params: tenantEndpointParams },
  responses: { 200: jsonContent(endpointSchema, 'the endpoint'), 401: P[401], 404: P[404] },
});
const tenantUpdate = createRoute({
  method: 'patch',
  path: `${tenantBase}/{endpointId}`,
  tags,
  summary: 'Change a tenant endpoint (fields left out keep their value)',
  security: adminAuth,
  request: { params: tenantEndpointParams, ...jsonBody(tenantEndpointPatch) },
  responses: { 200: jsonContent(endpointSchema, 'the endpoint'), 401: P[401], 403: P[403], 404: P[404], 422: P[422] },
});
const tenantRemove = createRoute({
  method: 'delete',
  path: `${tenantBase}/{endpointId}`,
  tags,
  summary: 'Remove a tenant endpoint',
  security: adminAuth,
  request: { params: tenantEndpointParams },
  responses: { ...noContent, 401: P[401], 403: P[403], 404: P[404] },
});

const allList = createRoute({
  method: 'get',
  path: '/v1/endpoints',
  tags,
  summary: 'Every endpoint, filtered (admin)',
  security: adminAuth,
  request: { query: pageQuery.extend({ scope: z.enum(['global', 'tenant', 'number']).optional(), tenantId: z.string().optional(), kind: kinds.optional() }) },
  responses: { 200: jsonContent(endpointPage, 'endpoints'), 401: P[401], 403: P[403] },
});
const globalAdd = createRoute({
  method: 'post',
  path: '/v1/endpoints',
  tags,
  summary: 'Add a global endpoint (carrier gateways: allowed sources and the fallback route)',
  security: adminAuth,
  request: jsonBody(globalEndpointInput),
  responses: { 201: jsonContent(endpointSchema, 'added'), 401: P[401], 403: P[403], 422: P[422] },
});
const anyRead = createRoute({
  method: 'get',
  path: '/v1/endpoints/{endpointId}',
  tags,
  summary: 'Read any endpoint (admin)',
  security: adminAuth,
  request: { params: z.object({ endpointId }) },
  responses: { 200: jsonContent(endpointSchema, 'the endpoint'), 401: P[401], 403: P[403], 404: P[404] },
});
const anyUpdate = createRoute({
  method: 'patch',
  path: '/v1/endpoints/{endpointId}',
  tags,
  summary: 'Change any endpoint (admin)',
  security: adminAuth,
  request: { params: z.object({ endpointId }), ...jsonBody(globalEndpointPatch) },
  responses: { 200: jsonContent(endpointSchema, 'the endpoint'), 401: P[401], 403: P[403], 404: P[404], 422: P[422] },
});
const anyRemove = createRoute({
  method: 'delete',
  path: '/v1/endpoints/{endpointId}',
  tags,
  summary: 'Remove any endpoint (admin)',
  security: adminAuth,
  request: { params: z.object({ endpointId }) },
  responses: { ...noContent, 401: P[401], 403: P[403], 404: P[404] },
});

export function v1EndpointsRoutes(deps: TenancyRouteDeps): OpenAPIHono<AuthEnv> {
  const routes = routeModule();
  routes.use('/v1/tenants/:tenantId/endpoints', deps.auth.readOrAdmin);
  routes.use('/v1/tenants/:tenantId/endpoints/*', deps.auth.readOrAdmin);
  routes.use('/v1/endpoints', deps.auth.admin);
  routes.use('/v1/endpoints/*', deps.auth.admin);

  const visibleEndpoint = (c: Parameters<typeof visibleTenant>[0], tenantId: string, id: string) => {
    visibleTenant(c, deps.directory(), tenantId);
    return visibleChild(findEndpoint(deps.directory(), id), tenantId, 'endpoint', id);
  };
  const existing = (id: string) => {
    const endpoint = findEndpoint(deps.directory(), id);
    if (!endpoint) throw new NotFoundError(`endpoint ${id} not found`);
    return endpoint;
  };

  routes.openapi(tenantList, (c) => {
    const { tenantId } = c.req.valid('param');
    const { limit, offset, numberId, kind } = c.req.valid('query');
    visibleTenant(c, deps.directory(), tenantId);
    return c.json(listEndpoints(deps.directory(), { tenantId, numberId, kind }, { limit, offset }), 200);
  });
  routes.openapi(tenantAdd, async (c) => {
    const { tenantId } = c.req.valid('param');
    const { numberId, ...input } = c.req.valid('json');
    const id = await deps.commands.addEndpoint({ tenantId, numberId }, toEndpointPatch(input, numberId ? 'number' : 'tenant'));
    c.header('Location', `/v1/tenants/${tenantId}/endpoints/${id}`);
    return c.json(visibleEndpoint(c, tenantId, id), 201);
  });
  routes.openapi(tenantRead, (c) => {
    const { tenantId, endpointId: id } = c.req.valid('param');
    return c.json(visibleEndpoint(c, tenantId, id), 200);
  });
  routes.openapi(tenantUpdate, async (c) => {
    const { tenantId, endpointId: id } = c.req.valid('param');
    const { numberId, ...input } = c.req.valid('json');
    const scope = numberId === undefined ? visibleEndpoint(c, tenantId, id).scope : numberId ? 'number' : 'tenant';
    await deps.commands.updateEndpoint({ tenantId, numberId }, id, toEndpointPatch(input, scope));
    return c.json(visibleEndpoint(c, tenantId, id), 200);
  });
  routes.openapi(tenantRemove, async (c) => {
    const { tenantId, endpointId: id } = c.req.valid('param');
    await deps.commands.removeEndpoint({ tenantId }, id);
    return c.body(null, 204);
  });

  routes.openapi(allList, (c) => {
    const { limit, offset, ...filter } = c.req.valid('query');
    return c.json(listEndpoints(deps.directory(), filter, { limit, offset }), 200);
  });
  routes.openapi(globalAdd, async (c) => {
    const id = await deps.commands.addEndpoint({ tenantId: null }, toEndpointPatch(c.req.valid('json'), 'global'));
    c.header('Location', `/v1/endpoints/${id}`);
    return c.json(existing(id), 201);
  });
  routes.openapi(anyRead, (c) => c.json(existing(c.req.valid('param').endpointId), 200));
  routes.openapi(anyUpdate, async (c) => {
    const current = existing(c.req.valid('param').endpointId);
    await deps.commands.updateEndpoint({ tenantId: current.tenantId }, current.id, toEndpointPatch(c.req.valid('json'), current.scope));
    return c.json(existing(current.id), 200);
  });
  routes.openapi(anyRemove, async (c) => {
    const current = existing(c.req.valid('param').endpointId);
    await deps.commands.removeEndpoint({ tenantId: current.tenantId }, current.id);
    return c.body(null, 204);
  });
  return routes;
}
