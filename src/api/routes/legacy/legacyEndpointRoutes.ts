import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { findEndpoint, findNumber } from '../../../../projections/directoryQueries.js';
import { NotFoundError, ValidationError } from '../../../domain/errors.js';
import type { EndpointPatch, EndpointTargetInput } from '../../../domain/tenancy/types.js';
import type { EndpointPlace } from '../../services/endpointCommands.js';
import type { AuthEnv } from '../../auth/principal.js';
import { adminAuth, jsonBody, jsonContent, problemResponses as P, routeModule } from '../openapiHelpers.js';
import type { TenancyRouteDeps } from '../tenancyApiDeps.js';
import { legacyId, message, messageSchema, renderEndpoint, splitList, withLegacyFields } from './legacyFormat.js';

const tags = ['Original admin API'];
/** The original's "never deliver here" priority: the gateway stays an allowed source only. */
const sendOnlyPriority = 666;

const body = z
  .object({
    id: legacyId.optional(),
    type: z.enum(['tenant', 'number', 'global']),
    type_id: legacyId.default('0'),
    endpoint_type: z.enum(['gateway', 'webhook', 'email']),
    endpoint: z.string().min(1),
    priority: z.number().int().min(0).max(9999).default(0),
    bridge: z.boolean().default(false),
  })
  .openapi('LegacyEndpoint', { example: { type: 'tenant', type_id: 1, endpoint_type: 'gateway', endpoint: 'pbx_acme', priority: 0 } });
// PUT keeps what it does not mention, so nothing is required and nothing has a default.
const updateBody = z
  .object({
    type: z.enum(['tenant', 'number', 'global']).optional(),
    type_id: legacyId.optional(),
    endpoint_type: z.enum(['gateway', 'webhook', 'email']).optional(),
    endpoint: z.string().min(1).optional(),
    priority: z.number().int().min(0).max(9999).optional(),
    bridge: z.boolean().optional(),
  })
  .openapi('LegacyEndpointUpdate', { example: { priority: 4 } });

// The original's clients send an `id` when creating; it is ignored (ids are assigned), so the document leaves it out.
const createBody = body.omit({ id: true }).openapi('LegacyEndpointInput');
const response = z
  .object({ id: z.union([z.number(), z.string()]), type: z.string(), type_id: z.union([z.number(), z.string()]), endpoint_type: z.string(), endpoint: z.string(), priority: z.number(), bridge: z.boolean() })
  .openapi('LegacyEndpointResponse');
const idParam = z.object({ id: legacyId.openapi({ param: { name: 'id', in: 'path' }, type: 'string', pattern: '^\\d+$' }) });

const create = createRoute({ method: 'post', path: '/admin/endpoint', tags, summary: 'Add an endpoint (gateway `name[:ip,…]`, webhook URL, or e-mail addresses)', security: adminAuth, request: jsonBody(createBody), responses: { 200: jsonContent(response, 'the endpoint'), 401: P[401], 404: P[404], 422: P[422], 503: P[503] } });
const update = createRoute({ method: 'put', path: '/admin/endpoint/{id}', tags, summary: 'Update an endpoint; fields left out keep their values', security: adminAuth, request: { params: idParam, ...jsonBody(updateBody) }, responses: { 200: jsonContent(response, 'the endpoint'), 401: P[401], 404: P[404], 422: P[422], 503: P[503] } });
const remove = createRoute({ method: 'delete', path: '/admin/endpoint/{id}', tags, summary: 'Delete an endpoint', security: adminAuth, request: { params: idParam }, responses: { 200: jsonContent(messageSchema, 'deleted'), 401: P[401], 404: P[404], 503: P[503] } });

const fieldNames = { gateway: 'endpoint', sourceIps: 'endpoint', url: 'endpoint', addresses: 'endpoint', priority: 'priority', numberId: 'type_id', tenantId: 'type_id' };

function toTarget(input: Pick<z.infer<typeof body>, 'type' | 'endpoint_type' | 'endpoint'>): EndpointTargetInput {
  if (input.endpoint_type === 'webhook') return { kind: 'webhook', url: input.endpoint, style: 'json' };
  if (input.endpoint_type === 'email') return { kind: 'email', addresses: splitList(input.endpoint) };
  const colon = input.endpoint.indexOf(':');
  const gateway = colon === -1 ? input.endpoint : input.endpoint.slice(0, colon);
  const sourceIps = colon === -1 ? [] : splitList(input.endpoint.slice(colon + 1));
  return { kind: 'gateway', gateway, sourceIps, role: input.type === 'global' ? 'upstream' : 'pbx' };
}

function toPatch(input: z.infer<typeof body>): EndpointPatch {
  return { target: toTarget(input), priority: input.priority, bridge: input.bridge, deliver: input.priority !== sendOnlyPriority };
}

/** The original's `/admin/endpoint` routes; `type_id` is the tenant id or the number id. Global endpoints work (they failed in the original). */
export function legacyEndpointRoutes(deps: TenancyRouteDeps): OpenAPIHono<AuthEnv> {
  const routes = routeModule();
  const placeOf = (input: Pick<z.infer<typeof body>, 'type' | 'type_id'>): EndpointPlace => {
    if (input.type === 'global') return { tenantId: null };
    if (input.type === 'tenant') return { tenantId: input.type_id, numberId: null };
    const number = findNumber(deps.directory(), input.type_id);
    if (!number) throw new ValidationError('type_id', `no number ${input.type_id}`);
    return { tenantId: number.tenantId, numberId: number.id };
  };
  const existing = (id: string) => {
    const endpoint = findEndpoint(deps.directory(), id);
    if (!endpoint) throw new NotFoundError(`endpoint ${id} not found`);
    return endpoint;
  };

  routes.openapi(create, async (c) => {
    const input = c.req.valid('json');
    const id = await withLegacyFields(fieldNames, () => deps.commands.addEndpoint(placeOf(input), toPatch(input)));
    return c.json(renderEndpoint(existing(id)), 200);
  });
  routes.openapi(update, async (c) => {
    const current = existing(c.req.valid('param').id);
    const input = c.req.valid('json');
    const was = renderEndpoint(current);
    const type = input.type ?? current.scope;
    const place = placeOf({ type, type_id: input.type_id ?? (type === current.scope ? String(was.type_id) : (current.tenantId ?? '0')) });
    if (place.tenantId !== current.tenantId) throw new ValidationError('type', 'an endpoint cannot move to another tenant or between tenant and global');
    if (input.endpoint_type !== undefined && input.endpoint_type !== current.target.kind && input.endpoint === undefined) {
      throw new ValidationError('endpoint', `required to change endpoint_type from ${current.target.kind} to ${input.endpoint_type}`);
    }
    // Only what the request mentions changes: a webhook's secret and style, a gateway's role stay.
    const patch: EndpointPatch = {};
    if (input.endpoint !== undefined) {
      const target = toTarget({ type, endpoint_type: input.endpoint_type ?? current.target.kind, endpoint: input.endpoint });
      patch.target = target.kind === 'gateway' && current.target.kind === 'gateway' ? { ...target, role: current.target.role } : target;
    }
    if (input.priority !== undefined) Object.assign(patch, { priority: input.priority, deliver: input.priority !== sendOnlyPriority });
    if (input.bridge !== undefined) patch.bridge = input.bridge;
    await withLegacyFields(fieldNames, () => deps.commands.updateEndpoint(place, current.id, patch));
    return c.json(renderEndpoint(existing(current.id)), 200);
  });
  routes.openapi(remove, async (c) => {
    const current = existing(c.req.valid('param').id);
    await deps.commands.removeEndpoint({ tenantId: current.tenantId }, current.id);
    return c.json(message('endpoint deleted successfully'), 200);
  });
  return routes;
}
