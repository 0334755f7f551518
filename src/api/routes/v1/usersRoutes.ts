import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { findApiKey, findUser, listApiKeys, listUsers } from '../../../../projections/directoryQueries.js';
import type { AuthEnv } from '../../auth/principal.js';
import { adminAuth, anyAuth, jsonBody, jsonContent, noContent, problemResponses as P, routeModule } from '../openapiHelpers.js';
import type { TenancyRouteDeps } from '../tenancyApiDeps.js';
import { visibleChild, visibleTenant } from './access.js';
import { apiKeyInput, apiKeySchema, issuedApiKey, pageOf, pageQuery, queryFlag, tenantIdParam, userInput, userPatch, userSchema } from './schemas.js';

const tags = ['Users'];
const userParams = tenantIdParam.extend({ userId: z.string().openapi({ param: { name: 'userId', in: 'path' } }) });
const keyParams = userParams.extend({ keyId: z.string().openapi({ param: { name: 'keyId', in: 'path' } }) });
const base = '/v1/tenants/{tenantId}/users';

const list = createRoute({
  method: 'get',
  path: base,
  tags,
  summary: "A tenant's API users (no secrets)",
  security: anyAuth,
  request: { params: tenantIdParam, query: pageQuery.extend({ username: z.string().optional(), disabled: queryFlag }) },
  responses: { 200: jsonContent(pageOf(userSchema, 'UserPage'), 'users'), 401: P[401], 404: P[404] },
});
const create = createRoute({
  method: 'post',
  path: base,
  tags,
  summary: 'Create a user (user names are unique platform-wide)',
  security: adminAuth,
  request: { params: tenantIdParam, ...jsonBody(userInput) },
  responses: { 201: jsonContent(userSchema, 'created'), 401: P[401], 403: P[403], 404: P[404], 409: P[409], 422: P[422] },
});
const read = createRoute({
  method: 'get',
  path: `${base}/{userId}`,
  tags,
  summary: 'Read a user',
  security: anyAuth,
  request: { params: userParams },
  responses: { 200: jsonContent(userSchema, 'the user'), 401: P[401], 404: P[404] },
});
const update = createRoute({
  method: 'patch',
  path: `${base}/{userId}`,
  tags,
  summary: "Set a user's password or enable/disable them",
  security: adminAuth,
  request: { params: userParams, ...jsonBody(userPatch) },
  responses: { 200: jsonContent(userSchema, 'the user'), 401: P[401], 403: P[403], 404: P[404], 422: P[422] },
});
const remove = createRoute({
  method: 'delete',
  path: `${base}/{userId}`,
  tags,
  summary: 'Delete a user (frees the user name)',
  security: adminAuth,
  request: { params: userParams },
  responses: { ...noContent, 401: P[401], 403: P[403], 404: P[404] },
});
const listKeys = createRoute({
  method: 'get',
  path: `${base}/{userId}/api-keys`,
  tags,
  summary: "A user's API keys (never the keys themselves)",
  security: adminAuth,
  request: { params: userParams, query: pageQuery },
  responses: { 200: jsonContent(pageOf(apiKeySchema, 'ApiKeyPage'), 'keys'), 401: P[401], 403: P[403], 404: P[404] },
});
const issueKey = createRoute({
  method: 'post',
  path: `${base}/{userId}/api-keys`,
  tags,
  summary: 'Issue an API key for a user; the response is the only time the key is shown',
  security: adminAuth,
  request: { params: userParams, ...jsonBody(apiKeyInput) },
  responses: { 201: jsonContent(issuedApiKey, 'issued'), 401: P[401], 403: P[403], 404: P[404], 422: P[422] },
});
const revokeKey = createRoute({
  method: 'delete',
  path: `${base}/{userId}/api-keys/{keyId}`,
  tags,
  summary: 'Revoke an API key',
  security: adminAuth,
  request: { params: keyParams },
  responses: { ...noContent, 401: P[401], 403: P[403], 404: P[404] },
});

export function v1UsersRoutes(deps: TenancyRouteDeps): OpenAPIHono<AuthEnv> {
  const routes = routeModule();
  routes.use('/v1/tenants/:tenantId/users/:userId/api-keys/*', deps.auth.admin);
  routes.use('/v1/tenants/:tenantId/users/:userId/api-keys', deps.auth.admin);
  routes.use('/v1/tenants/:tenantId/users/:userId', deps.auth.readOrAdmin);
  routes.use('/v1/tenants/:tenantId/users', deps.auth.readOrAdmin);

  const visibleUser = (c: Parameters<typeof visibleTenant>[0], tenantId: string, userId: string) => {
    visibleTenant(c, deps.directory(), tenantId);
    return visibleChild(findUser(deps.directory(), userId), tenantId, 'user', userId);
  };

  routes.openapi(list, (c) => {
    const { tenantId } = c.req.valid('param');
    const { limit, offset, username, disabled } = c.req.valid('query');
    visibleTenant(c, deps.directory(), tenantId);
    return c.json(listUsers(deps.directory(), { tenantId, username, disabled }, { limit, offset }), 200);
  });
  routes.openapi(create, async (c) => {
    const { tenantId } = c.req.valid('param');
    const userId = await deps.commands.createUser(tenantId, c.req.valid('json'));
    c.header('Location', `/v1/tenants/${tenantId}/users/${userId}`);
    return c.json(visibleUser(c, tenantId, userId), 201);
  });
  routes.openapi(read, (c) => {
    const { tenantId, userId } = c.req.valid('param');
    return c.json(visibleUser(c, tenantId, userId), 200);
  });
  routes.openapi(update, async (c) => {
    const { tenantId, userId } = c.req.valid('param');
    await deps.commands.updateUser(tenantId, userId, c.req.valid('json'));
    return c.json(visibleUser(c, tenantId, userId), 200);
  });
  routes.openapi(remove, async (c) => {
    const { tenantId, userId } = c.req.valid('param');
    await deps.commands.deleteUser(tenantId, userId);
    return c.body(null, 204);
  });
  routes.openapi(listKeys, (c) => {
    const { tenantId, userId } = c.req.valid('param');
    visibleUser(c, tenantId, userId);
    return c.json(listApiKeys(deps.directory(), userId, c.req.valid('query')), 200);
  });
  routes.openapi(issueKey, async (c) => {
    const { tenantId, userId } = c.req.valid('param');
    const { keyId, key } = await deps.commands.issueApiKey(tenantId, userId, c.req.valid('json'));
    return c.json({ ...findApiKey(deps.directory(), keyId)!, key }, 201);
  });
  routes.openapi(revokeKey, async (c) => {
    const { tenantId, userId, keyId } = c.req.valid('param');
    visibleChild(findApiKey(deps.directory(), keyId), tenantId, 'API key', keyId);
    await deps.commands.revokeApiKey(tenantId, userId, keyId);
    return c.body(null, 204);
  });
  return routes;
}
