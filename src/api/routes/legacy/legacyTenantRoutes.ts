import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { findTenant, listNumbers } from '../../../../projections/directoryQueries.js';
import { NotFoundError } from '../../../domain/errors.js';
import type { TenantProfilePatch } from '../../../domain/tenancy/types.js';
import type { AuthEnv } from '../../auth/principal.js';
import { adminAuth, jsonBody, jsonContent, problemResponses as P, routeModule } from '../openapiHelpers.js';
import type { TenancyRouteDeps } from '../tenancyApiDeps.js';
import { legacyId, message, messageSchema, parseNotify, renderTenant, withLegacyFields } from './legacyFormat.js';

const tags = ['Original admin API'];
const body = z
  .object({ id: legacyId.optional(), name: z.string().optional(), email: z.string().optional(), notify: z.string().optional() })
  .openapi('LegacyTenant', { example: { id: 1, name: 'Acme Corp', email: 'fax@acme.example' } });
// The original's clients send an `id` when creating; it is ignored (ids are assigned), so the document leaves it out.
const createBody = body.omit({ id: true }).openapi('LegacyTenantInput');
const response = z.object({ id: z.union([z.number(), z.string()]), name: z.string(), email: z.string(), notify: z.string(), numbers: z.array(z.record(z.string(), z.unknown())) }).openapi('LegacyTenantResponse');
const idParam = z.object({ id: legacyId.openapi({ param: { name: 'id', in: 'path' }, type: 'string', pattern: '^\\d+$' }) });

const create = createRoute({ method: 'post', path: '/admin/tenant', tags, summary: 'Add a tenant (the `id` in the body is ignored; ids are assigned 1, 2, 3, …)', security: adminAuth, request: jsonBody(createBody), responses: { 200: jsonContent(response, 'the tenant'), 401: P[401], 422: P[422], 503: P[503] } });
const update = createRoute({ method: 'put', path: '/admin/tenant/{id}', tags, summary: 'Update a tenant (fields left out keep their value)', security: adminAuth, request: { params: idParam, ...jsonBody(body) }, responses: { 200: jsonContent(response, 'the tenant'), 401: P[401], 404: P[404], 422: P[422], 503: P[503] } });
const remove = createRoute({ method: 'delete', path: '/admin/tenant/{id}', tags, summary: 'Delete a tenant (releases numbers, disables users and endpoints)', security: adminAuth, request: { params: idParam }, responses: { 200: jsonContent(messageSchema, 'deleted'), 401: P[401], 404: P[404], 503: P[503] } });

const fieldNames = { name: 'name', email: 'email', settings: 'notify' };

function toPatch(input: z.infer<typeof body>): TenantProfilePatch {
  return {
    name: input.name,
    email: input.email === undefined ? undefined : input.email === '' ? null : input.email,
    settings: input.notify === undefined ? undefined : parseNotify(input.notify),
  };
}

/** The original's `/admin/tenant` routes, with its JSON field names. */
export function legacyTenantRoutes(deps: TenancyRouteDeps): OpenAPIHono<AuthEnv> {
  const routes = routeModule();
  const rendered = (tenantId: string) => {
    const tenant = findTenant(deps.directory(), tenantId);
    if (!tenant) throw new NotFoundError(`tenant ${tenantId} not found`);
    return renderTenant(tenant, listNumbers(deps.directory(), { tenantId }, { limit: 10_000, offset: 0 }).items);
  };

  routes.openapi(create, async (c) => {
    const input = c.req.valid('json');
    const tenantId = await withLegacyFields(fieldNames, () => deps.commands.createTenant({ ...toPatch(input), name: input.name ?? '' }));
    return c.json(rendered(tenantId), 200);
  });
  routes.openapi(update, async (c) => {
    const { id } = c.req.valid('param');
    await withLegacyFields(fieldNames, () => deps.commands.updateTenant(id, toPatch(c.req.valid('json'))));
    return c.json(rendered(id), 200);
  });
  routes.openapi(remove, async (c) => {
    await deps.commands.deleteTenant(c.req.valid('param').id);
    return c.json(message('tenant deleted successfully'), 200);
  });
  return routes;
}
