import { type OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { credentialsCollections, type Login } from '../../../../projections/credentialsProjection.js';
import { findApiKey, findTenant, findUser, listApiKeys } from '../../../../projections/directoryQueries.js';
import { ForbiddenError } from '../../auth/forbidden.js';
import { NotFoundError, ValidationError } from '../../../domain/errors.js';
import type { AuthEnv } from '../../auth/principal.js';
import { anyAuth, jsonBody, jsonContent, noContent, problemResponses as P, routeModule } from '../openapiHelpers.js';
import type { TenancyRouteDeps } from '../tenancyApiDeps.js';
import { apiKeyInput, apiKeySchema, issuedApiKey, pageOf, pageQuery, passwordChange, tenantSchema, userSchema } from './schemas.js';

const tags = ['Me'];
const meSchema = z
  .object({ user: userSchema, tenant: tenantSchema, authenticatedWith: z.enum(['password', 'apiKey']) })
  .openapi('Me');
const keyParams = z.object({ keyId: z.string().openapi({ param: { name: 'keyId', in: 'path' } }) });

const me = createRoute({ method: 'get', path: '/v1/me', tags, summary: 'The authenticated user and their tenant', security: anyAuth, responses: { 200: jsonContent(meSchema, 'you'), 401: P[401], 403: P[403] } });
const password = createRoute({
  method: 'put',
  path: '/v1/me/password',
  tags,
  summary: 'Change your own password (needs the current one)',
  security: anyAuth,
  request: jsonBody(passwordChange),
  responses: { ...noContent, 401: P[401], 403: P[403], 422: P[422] },
});
const keys = createRoute({ method: 'get', path: '/v1/me/api-keys', tags, summary: 'Your API keys', security: anyAuth, request: { query: pageQuery }, responses: { 200: jsonContent(pageOf(apiKeySchema, 'MyApiKeyPage'), 'keys'), 401: P[401], 403: P[403] } });
const issue = createRoute({
  method: 'post',
  path: '/v1/me/api-keys',
  tags,
  summary: 'Create an API key for yourself; the response is the only time the key is shown',
  security: anyAuth,
  request: jsonBody(apiKeyInput),
  responses: { 201: jsonContent(issuedApiKey, 'issued'), 401: P[401], 403: P[403], 422: P[422] },
});
const revoke = createRoute({ method: 'delete', path: '/v1/me/api-keys/{keyId}', tags, summary: 'Revoke one of your API keys', security: anyAuth, request: { params: keyParams }, responses: { ...noContent, 401: P[401], 403: P[403], 404: P[404] } });

/** The tenant user's own account. The admin key has no user, so these answer 403 to it. */
export function v1MeRoutes(deps: TenancyRouteDeps): OpenAPIHono<AuthEnv> {
  const routes = routeModule();
  routes.use('/v1/me', deps.auth.any);
  routes.use('/v1/me/*', deps.auth.any);

  const self = (c: Context<AuthEnv>) => {
    const principal = c.get('principal');
    if (principal.kind !== 'user') throw new ForbiddenError('the admin API key has no user; use a tenant user');
    return principal;
  };

  routes.openapi(me, (c) => {
    const principal = self(c);
    const user = findUser(deps.directory(), principal.userId);
    const tenant = findTenant(deps.directory(), principal.tenantId);
    if (!user || !tenant) throw new NotFoundError('user not found');
    return c.json({ user, tenant, authenticatedWith: principal.apiKeyId === null ? ('password' as const) : ('apiKey' as const) }, 200);
  });
  routes.openapi(password, async (c) => {
    const principal = self(c);
    const { currentPassword, newPassword } = c.req.valid('json');
    const login = deps.credentials().get<Login>(credentialsCollections.logins, principal.userId);
    if (!login || !(await deps.verifyPassword(currentPassword, login.passwordHash))) throw new ValidationError('currentPassword', 'does not match');
    await deps.commands.updateUser(principal.tenantId, principal.userId, { password: newPassword });
    return c.body(null, 204);
  });
  routes.openapi(keys, (c) => c.json(listApiKeys(deps.directory(), self(c).userId, c.req.valid('query')), 200));
  routes.openapi(issue, async (c) => {
    const principal = self(c);
    const { keyId, key } = await deps.commands.issueApiKey(principal.tenantId, principal.userId, c.req.valid('json'));
    return c.json({ ...findApiKey(deps.directory(), keyId)!, key }, 201);
  });
  routes.openapi(revoke, async (c) => {
    const principal = self(c);
    const { keyId } = c.req.valid('param');
    const key = findApiKey(deps.directory(), keyId);
    if (!key || key.userId !== principal.userId) throw new NotFoundError(`API key ${keyId} not found`);
    await deps.commands.revokeApiKey(principal.tenantId, principal.userId, keyId);
    return c.body(null, 204);
  });
  return routes;
}
