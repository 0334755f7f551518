import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { findNumber, listNumbers } from '../../../../projections/directoryQueries.js';
import { toE164 } from '../../../domain/tenancy/e164.js';
import type { AuthEnv } from '../../auth/principal.js';
import { adminAuth, anyAuth, jsonBody, jsonContent, noContent, problemResponses as P, routeModule } from '../openapiHelpers.js';
import type { TenancyRouteDeps } from '../tenancyApiDeps.js';
import { visibleChild, visibleTenant } from './access.js';
import { numberInput, numberPatch, numberSchema, pageOf, pageQuery, tenantIdParam } from './schemas.js';

const tags = ['Numbers'];
const numberParams = tenantIdParam.extend({ numberId: z.string().openapi({ param: { name: 'numberId', in: 'path' } }) });
const directions = z.enum(['inbound', 'outbound', 'both']);
const numberPage = pageOf(numberSchema, 'NumberPage');

const listAll = createRoute({
  method: 'get',
  path: '/v1/numbers',
  tags,
  summary: "All tenants' numbers (admin); `number` is read as E.164 with the default country",
  security: adminAuth,
  request: { query: pageQuery.extend({ number: z.string().optional(), tenantId: z.string().optional(), direction: directions.optional() }) },
  responses: { 200: jsonContent(numberPage, 'numbers'), 401: P[401], 403: P[403], 422: P[422] },
});

const list = createRoute({
  method: 'get',
  path: '/v1/tenants/{tenantId}/numbers',
  tags,
  summary: "A tenant's fax numbers",
  security: anyAuth,
  request: { params: tenantIdParam, query: pageQuery.extend({ direction: directions.optional() }) },
  responses: { 200: jsonContent(numberPage, 'numbers'), 401: P[401], 404: P[404] },
});

const assign = createRoute({
  method: 'post',
  path: '/v1/tenants/{tenantId}/numbers',
  tags,
  summary: 'Assign a number to a tenant (stored as E.164; a number belongs to one tenant at a time)',
  security: adminAuth,
  request: { params: tenantIdParam, ...jsonBody(numberInput) },
  responses: { 201: jsonContent(numberSchema, 'assigned'), 401: P[401], 403: P[403], 404: P[404], 409: P[409], 422: P[422] },
});

const read = createRoute({
  method: 'get',
  path: '/v1/tenants/{tenantId}/numbers/{numberId}',
  tags,
  summary: 'Read a number',
  security: anyAuth,
  request: { params: numberParams },
  responses: { 200: jsonContent(numberSchema, 'the number'), 401: P[401], 404: P[404] },
});

const update = createRoute({
  method: 'patch',
  path: '/v1/tenants/{tenantId}/numbers/{numberId}',
  tags,
  summary: 'Change a number (fields left out keep their value)',
  security: adminAuth,
  request: { params: numberParams, ...jsonBody(numberPatch) },
  responses: { 200: jsonContent(numberSchema, 'the number'), 401: P[401], 403: P[403], 404: P[404], 409: P[409], 422: P[422] },
});

const release = createRoute({
  method: 'delete',
  path: '/v1/tenants/{tenantId}/numbers/{numberId}',
  tags,
  summary: 'Release a number (its number-scoped endpoints are disabled)',
  security: adminAuth,
  request: { params: numberParams },
  responses: { ...noContent, 401: P[401], 403: P[403], 404: P[404] },
});

export function v1NumbersRoutes(deps: TenancyRouteDeps): OpenAPIHono<AuthEnv> {
  const routes = routeModule();
  routes.use('/v1/numbers', deps.auth.admin);
  routes.use('/v1/tenants/:tenantId/numbers/*', deps.auth.readOrAdmin);
  routes.use('/v1/tenants/:tenantId/numbers', deps.auth.readOrAdmin);

  const visibleNumber = (c: Parameters<typeof visibleTenant>[0], tenantId: string, numberId: string) => {
    visibleTenant(c, deps.directory(), tenantId);
    return visibleChild(findNumber(deps.directory(), numberId), tenantId, 'number', numberId);
  };

  routes.openapi(listAll, (c) => {
    const { limit, offset, number, tenantId, direction } = c.req.valid('query');
    const e164 = number === undefined ? undefined : toE164(number, deps.defaultCountry);
    return c.json(listNumbers(deps.directory(), { number: e164, tenantId, direction }, { limit, offset }), 200);
  });
  routes.openapi(list, (c) => {
    const { tenantId } = c.req.valid('param');
    const { limit, offset, direction } = c.req.valid('query');
    visibleTenant(c, deps.directory(), tenantId);
    return c.json(listNumbers(deps.directory(), { tenantId, direction }, { limit, offset }), 200);
  });
  routes.openapi(assign, async (c) => {
    const { tenantId } = c.req.valid('param');
    const numberId = await deps.commands.assignNumber(tenantId, c.req.valid('json'));
    c.header('Location', `/v1/tenants/${tenantId}/numbers/${numberId}`);
    return c.json(visibleNumber(c, tenantId, numberId), 201);
  });
  routes.openapi(read, (c) => {
    const { tenantId, numberId } = c.req.valid('param');
    return c.json(visibleNumber(c, tenantId, numberId), 200);
  });
  routes.openapi(update, async (c) => {
    const { tenantId, numberId } = c.req.valid('param');
    await deps.commands.updateNumber(tenantId, numberId, c.req.valid('json'));
    return c.json(visibleNumber(c, tenantId, numberId), 200);
  });
  routes.openapi(release, async (c) => {
    const { tenantId, numberId } = c.req.valid('param');
    await deps.commands.releaseNumber(tenantId, numberId);
    return c.body(null, 204);
  });
  return routes;
}
