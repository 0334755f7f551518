import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Auth } from '../auth/authenticate.js';
import type { AuthEnv } from '../auth/principal.js';
import type { FaxPurges } from '../services/faxPurges.js';
import { jsonContent, problemResponses as P, anyAuth, routeModule } from './openapiHelpers.js';
import { authenticateOnce, submitterOf } from './submissionAccess.js';

export interface PurgeRouteDeps {
  purges: FaxPurges;
  auth: Auth;
}

const idParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });
const purgeState = z
  .object({ id: z.string(), purge: z.enum(['pending', 'purged']).openapi({ description: 'pending: the purge runner will purge it (at `records.purgeRate`); purged: done (FaxPurged is in its history)' }) })
  .openapi('FaxPurgeState', { example: { id: '2003f688-2382-496d-9e14-a3fff9cafe73', purge: 'pending' } });

const purge = createRoute({
  method: 'post',
  path: '/v1/faxes/{id}/purge',
  tags: ['Faxes'],
  summary: "Purge a fax's personal data now (its documents, numbers, idents; what statistics count stays); asked again, answers where it stands",
  security: anyAuth,
  request: { params: idParam },
  responses: {
    200: jsonContent(purgeState, 'already purged: nothing was appended'),
    202: { ...jsonContent(purgeState, 'asked for (now or before): `Location` is the fax'), headers: { Location: { schema: { type: 'string' } } } },
    401: P[401],
    404: P[404],
    409: { description: 'the fax is still in progress (its call or sending has not ended)', content: P[409].content },
  },
});

/** `POST /v1/faxes/{id}/purge` (README: Retention and purge): a tenant user its tenant's faxes, the admin any. */
export function purgeRoutes(deps: PurgeRouteDeps): OpenAPIHono<AuthEnv> {
  const routes = routeModule();
  routes.openapi({ ...purge, middleware: [authenticateOnce(deps.auth)] as const }, async (c) => {
    const principal = c.get('principal');
    const faxId = c.req.valid('param').id;
    const by = submitterOf(principal);
    if (by.kind === 'relay') throw new Error('unreachable: a principal is never the relay');
    const { state } = await deps.purges.request(faxId, 'request', by, principal.kind === 'admin' ? undefined : principal.tenantId);
    if (state === 'purged') return c.json({ id: faxId, purge: state }, 200);
    c.header('Location', `/v1/faxes/${faxId}`);
    return c.json({ id: faxId, purge: state }, 202);
  });
  return routes;
}
