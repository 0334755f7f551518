import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { findUser } from '../../../../projections/directoryQueries.js';
import { NotFoundError, ValidationError } from '../../../domain/errors.js';
import type { AuthEnv } from '../../auth/principal.js';
import { checkSuppliedApiKey } from '../../services/userCommands.js';
import { adminAuth, jsonBody, jsonContent, problemResponses as P, routeModule } from '../openapiHelpers.js';
import type { TenancyRouteDeps } from '../tenancyApiDeps.js';
import { legacyId, message, messageSchema, renderId, withLegacyFields } from './legacyFormat.js';

const tags = ['Original admin API'];
const body = z
  .object({ id: legacyId.optional(), tenant_id: legacyId.optional(), username: z.string().optional(), password: z.string().optional(), api_key: z.string().optional() })
  .openapi('LegacyUser', { example: { tenant_id: 1, username: 'tenantuser', password: 'a long passphrase' } });
// The original's clients send an `id` when creating; it is ignored (ids are assigned), so the document leaves it out.
const createBody = body.omit({ id: true }).openapi('LegacyUserInput');
// Unlike the original, the response never carries the password (it returned the encrypted one).
const response = z.object({ id: z.union([z.number(), z.string()]), tenant_id: z.union([z.number(), z.string()]), username: z.string() }).openapi('LegacyUserResponse');
const idParam = z.object({ id: legacyId.openapi({ param: { name: 'id', in: 'path' }, type: 'string', pattern: '^\\d+$' }) });

const create = createRoute({ method: 'post', path: '/admin/user', tags, summary: 'Add a tenant user; an `api_key` given here becomes one of its API keys (stored hashed)', security: adminAuth, request: jsonBody(createBody), responses: { 200: jsonContent(response, 'the user'), 401: P[401], 404: P[404], 409: P[409], 422: P[422], 503: P[503] } });
const update = createRoute({ method: 'put', path: '/admin/user/{id}', tags, summary: "Update a tenant user's password (and add an `api_key`)", security: adminAuth, request: { params: idParam, ...jsonBody(body) }, responses: { 200: jsonContent(response, 'the user'), 401: P[401], 404: P[404], 422: P[422], 503: P[503] } });
const remove = createRoute({ method: 'delete', path: '/admin/user/{id}', tags, summary: 'Delete a tenant user', security: adminAuth, request: { params: idParam }, responses: { 200: jsonContent(messageSchema, 'deleted'), 401: P[401], 404: P[404], 503: P[503] } });

/** The original's `/admin/user` routes (its PUT created a second user; here it updates). */
export function legacyUserRoutes(deps: TenancyRouteDeps): OpenAPIHono<AuthEnv> {
  const routes = routeModule();
  const existing = (id: string) => {
    const user = findUser(deps.directory(), id);
    if (!user) throw new NotFoundError(`user ${id} not found`);
    return user;
  };
  const rendered = (id: string) => {
    const user = existing(id);
    return { id: renderId(user.id), tenant_id: renderId(user.tenantId), username: user.username };
  };

  routes.openapi(create, async (c) => {
    const input = c.req.valid('json');
    if (input.tenant_id === undefined) throw new ValidationError('tenant_id', 'required');
    const tenantId = input.tenant_id;
    if (input.api_key !== undefined) checkSuppliedApiKey(input.api_key);
    const userId = await withLegacyFields({}, () => deps.commands.createUser(tenantId, { username: input.username ?? '', password: input.password ?? '' }));
    if (input.api_key !== undefined) await deps.commands.issueApiKey(tenantId, userId, { label: 'api_key', suppliedKey: input.api_key });
    return c.json(rendered(userId), 200);
  });
  routes.openapi(update, async (c) => {
    const user = existing(c.req.valid('param').id);
    const input = c.req.valid('json');
    if (input.username !== undefined && input.username !== user.username) throw new ValidationError('username', 'user names cannot change; create a new user');
    if (input.password !== undefined) await deps.commands.updateUser(user.tenantId, user.id, { password: input.password });
    if (input.api_key !== undefined) await deps.commands.issueApiKey(user.tenantId, user.id, { label: 'api_key', suppliedKey: input.api_key });
    return c.json(rendered(user.id), 200);
  });
  routes.openapi(remove, async (c) => {
    const user = existing(c.req.valid('param').id);
    await deps.commands.deleteUser(user.tenantId, user.id);
    return c.json(message('tenant user deleted successfully'), 200);
  });
  return routes;
}
