import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { credentialsCollections } from '../../../projections/credentialsProjection.js';
import type { DocumentView, QueryView } from '../../../projections/documentProjection.js';
import { canonicalJson } from '../../domain/canonicalJson.js';
import { accessStream } from '../../domain/access/accessEvents.js';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import type { AccessReadModel } from '../../ports/accessReadModel.js';
import type { Clock } from '../../ports/clock.js';
import type { EventStore } from '../../ports/eventStore.js';
import type { FaxReadModel } from '../../ports/faxReadModel.js';
import type { Auth } from '../auth/authenticate.js';
import type { AuthEnv } from '../auth/principal.js';
import { checkAccessChain } from '../services/accessChainCheck.js';
import { accessChainSchema, accessPage } from './accessSchemas.js';
import { visibleFax } from './faxRoutes.js';
import { anyAuth, jsonContent, problemResponses as P, routeModule } from './openapiHelpers.js';
import { visibleTenant } from './v1/access.js';
import { queryInt } from './v1/schemas.js';

export interface AccessRouteDeps {
  access: AccessReadModel;
  faxes: FaxReadModel;
  eventStore: EventStore;
  directory: () => QueryView;
  /** The credentials read model: `user=` may name a user by user name. */
  credentials?: () => DocumentView;
  auth: Auth;
  clock: Clock;
  /** Signs a chain check's exact body, as a signed history is: a saved head proves later that no entry up to it went missing. */
  signer?: { keyId: string; sign(bytes: Uint8Array): Buffer };
}

const tags = ['Access trail'];
const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString());
const paging = { limit: queryInt(1, 500).default(50), cursor: z.string().optional().openapi({ description: 'the `nextCursor` of the previous page' }) };

const faxAccess = createRoute({
  method: 'get',
  path: '/v1/faxes/{id}/access',
  tags,
  summary: 'Who read this fax (its document, page images, history, exports): newest first, cursor pagination',
  security: anyAuth,
  request: { params: z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) }), query: z.object({ ...paging }) },
  responses: { 200: jsonContent(accessPage, 'a page of access entries'), 401: P[401], 404: P[404], 422: P[422] },
});
const accessList = createRoute({
  method: 'get',
  path: '/v1/access',
  tags,
  summary: "The access trail: what was read, by whom (a tenant user sees its tenant's trail only), newest first",
  security: anyAuth,
  request: {
    query: z.object({
      user: z.string().min(1).optional().openapi({ description: 'a user id or user name, `admin` (reads by the admin key) or `link` (signed links)' }),
      faxId: z.string().min(1).optional(),
      tenantId: z.string().min(1).optional().openapi({ description: 'admin only: one tenant (`system` for faxes of no tenant); a tenant user always gets its own' }),
      since: instant.optional(),
      until: instant.optional(),
      ...paging,
    }),
  },
  responses: { 200: jsonContent(accessPage, 'a page of access entries'), 401: P[401], 422: P[422] },
});
const chainCheck = createRoute({
  method: 'get',
  path: '/v1/access/verify',
  tags,
  summary: "Checks a trail's hash chain from its first entry and names the first entry that does not check; signed when the server signs exports",
  security: anyAuth,
  request: { query: z.object({ tenantId: z.string().min(1).optional().openapi({ description: "the tenant whose trail (admin: required, `system` for faxes of no tenant); a tenant user's own by default" }) }) },
  responses: { 200: jsonContent(accessChainSchema, 'the check (200 whether or not the chain holds: see `ok`)'), 401: P[401], 404: P[404], 422: P[422] },
});

/** The access trail (README: Access trail): who read which fax, and the check of its hash chain. */
export function accessRoutes(deps: AccessRouteDeps): OpenAPIHono<AuthEnv> {
  const routes = routeModule();
  routes.use('/v1/faxes/:id/access', deps.auth.any);
  routes.use('/v1/access', deps.auth.any);
  routes.use('/v1/access/*', deps.auth.any);

  routes.openapi(faxAccess, (c) => {
    const fax = visibleFax(c, deps.faxes, c.req.valid('param').id);
    const { limit, cursor } = c.req.valid('query');
    return c.json(deps.access.list({ faxId: fax.faxId }, limit, cursor), 200);
  });
  routes.openapi(accessList, (c) => {
    const { user, faxId, tenantId, since, until, limit, cursor } = c.req.valid('query');
    const principal = c.get('principal');
    if (principal.kind !== 'admin' && tenantId !== undefined && tenantId !== principal.tenantId) throw new NotFoundError(`tenant ${tenantId} not found`);
    const scope = principal.kind === 'admin' ? tenantId : principal.tenantId;
    // Entries of faxes of no tenant have no tenant: `system` names them.
    const filter = { ...(scope ? { tenantId: scope } : {}), ...(user ? { reader: readerKeyOf(user) } : {}), ...(faxId ? { faxId } : {}), ...(since ? { since } : {}), ...(until ? { until } : {}) };
    return c.json(deps.access.list(filter, limit, cursor), 200);
  });
  routes.openapi(chainCheck, async (c) => {
    const principal = c.get('principal');
    const asked = c.req.valid('query').tenantId;
    let tenantId: string | null;
    if (principal.kind === 'admin') {
      if (asked === undefined) throw new ValidationError('tenantId', 'name the tenant whose trail to check (or system)');
      // Not looked up in the directory: a deleted tenant's trail stays checkable (an unknown id is an empty trail).
      tenantId = asked === 'system' ? null : asked;
    } else tenantId = visibleTenant(c, deps.directory(), asked ?? principal.tenantId).id;
    const report = { ...(await checkAccessChain(deps.eventStore, accessStream(tenantId))), checkedAt: deps.clock.now().toISOString() };
    if (!deps.signer) return c.json(report, 200);
    const body = Buffer.from(canonicalJson(report), 'utf8');
    const headers = { 'content-type': 'application/json', 'faxengine-signature': deps.signer.sign(body).toString('base64'), 'faxengine-signature-key-id': deps.signer.keyId };
    return new Response(body, { headers }) as never;
  });
  /** `admin` and `link` are kinds of reader; a current user's name stands for its id; anything else (an id, also of a deleted user) is taken as it is. */
  function readerKeyOf(user: string): string {
    if (user === 'admin' || user === 'link') return user;
    return deps.credentials?.().get<string>(credentialsCollections.usernames, user.toLowerCase()) ?? user;
  }
  return routes;
}
