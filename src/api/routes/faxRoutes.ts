import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { minTextSearch, type FaxReadModel } from '../../ports/faxReadModel.js';
import { faxStatuses, type FaxView } from '../../../projections/faxProjection.js';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import type { DocumentStore } from '../../ports/documentStore.js';
import type { EventStore } from '../../ports/eventStore.js';
import type { AccessLog } from '../accessLog.js';
import { readDocumentRecorded } from '../readDocumentRecorded.js';
import type { Auth } from '../auth/authenticate.js';
import type { AuthEnv } from '../auth/principal.js';
import { faxEventBody } from './faxEventSchemas.js';
import { faxEventSchema, faxPage, faxSchema } from './faxSchemas.js';
import { queryFlag, queryInt } from './v1/schemas.js';
import { anyAuth, jsonContent, problemResponses as P, routeModule } from './openapiHelpers.js';
import { refusePurged } from './purgedFax.js';
import { bodyBytes } from '../bodyBytes.js';

export interface FaxRouteDeps {
  faxes: FaxReadModel;
  eventStore: EventStore;
  documents: DocumentStore;
  auth: Auth;
  /** The access trail: reads of histories and documents are reported to it (absent: `records.accessTrail` off). */
  access?: AccessLog;
  /** Signs a signed history's exact body (`?signed=true`); absent, that parameter is refused. */
  signer?: { keyId: string; sign(bytes: Uint8Array): Buffer };
}

const tags = ['Faxes'];
const idParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });
const statuses = faxStatuses;
// Any UTC offset is accepted; the read model's times are UTC ISO strings, compared as text.
const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString());

const list = createRoute({
  method: 'get',
  path: '/v1/faxes',
  tags,
  summary: 'Faxes, newest first (a tenant user sees its tenant only); cursor pagination',
  security: anyAuth,
  request: {
    query: z.object({
      direction: z.enum(['inbound', 'outbound']).optional(),
      status: z.enum(statuses).optional(),
      number: z.string().optional(),
      unread: z.enum(['true', 'false']).optional().transform((value) => value === 'true').openapi({ description: 'true: only received faxes no one has marked read' }),
      text: z.string().min(minTextSearch).optional().openapi({ description: `case-insensitive text in the remote station ident or the caller ID name (at least ${minTextSearch} characters)` }),
      since: instant.optional(),
      until: instant.optional(),
      tenantId: z.string().optional(),
      limit: queryInt(1, 500).default(50),
      cursor: z.string().optional(),
    }),
  },
  responses: { 200: jsonContent(faxPage, 'a page of faxes'), 401: P[401], 422: P[422] },
});
const read = createRoute({
  method: 'get',
  path: '/v1/faxes/{id}',
  tags,
  summary: 'A fax: status, pages, result',
  security: anyAuth,
  request: { params: idParam },
  responses: { 200: jsonContent(faxSchema, 'the fax'), 401: P[401], 404: P[404] },
});
const history = createRoute({
  method: 'get',
  path: '/v1/faxes/{id}/events',
  tags,
  summary: "The fax's full history from the event store (its audit trail); `signed=true` adds an Ed25519 signature of the body in headers",
  security: anyAuth,
  request: { params: idParam, query: z.object({ signed: queryFlag.openapi({ description: 'true: `Faxengine-Signature` (base64 Ed25519 over the exact body bytes) and `Faxengine-Signature-Key-Id` headers' }) }) },
  responses: { 200: jsonContent(z.object({ items: z.array(faxEventSchema) }), 'every event of the fax, oldest first'), 401: P[401], 404: P[404] },
});
const documentRoute = createRoute({
  method: 'get',
  path: '/v1/faxes/{id}/document',
  tags,
  summary: 'The fax document: PDF by default, TIFF with `Accept: image/tiff`',
  security: anyAuth,
  request: { params: idParam },
  responses: { 200: { description: 'application/pdf or image/tiff' }, 401: P[401], 404: P[404], 410: P[410] },
});
const legacyStatus = createRoute({
  method: 'get',
  path: '/fax/status',
  tags,
  summary: "The original's status route: by call UUID (or fax id), scoped to the caller's tenant",
  security: anyAuth,
  request: { query: z.object({ uuid: z.string().min(1) }) },
  responses: { 200: jsonContent(faxSchema, 'the fax'), 401: P[401], 404: P[404], 422: P[422] },
});

/** Read routes over the fax read model, the event store and the document store. */
export function faxRoutes(deps: FaxRouteDeps): OpenAPIHono<AuthEnv> {
  const routes = routeModule();
  routes.use('/v1/faxes', deps.auth.any);
  routes.use('/v1/faxes/*', deps.auth.any);
  routes.use('/fax/status', deps.auth.any);

  routes.openapi(list, (c) => {
    const { limit, cursor, tenantId, ...filter } = c.req.valid('query');
    const principal = c.get('principal');
    const scope = principal.kind === 'admin' ? tenantId : principal.tenantId;
    return c.json(deps.faxes.list({ ...filter, ...(scope ? { tenantId: scope } : {}) }, limit, cursor), 200);
  });
  routes.openapi(read, (c) => c.json(visibleFax(c, deps.faxes, c.req.valid('param').id), 200));
  routes.openapi(history, async (c) => {
    const fax = visibleFax(c, deps.faxes, c.req.valid('param').id);
    const events = await deps.eventStore.readStream(`fax-${fax.faxId}`);
    deps.access?.read(c, fax, { kind: 'history', signed: c.req.valid('query').signed === true });
    if (!c.req.valid('query').signed) return c.json({ items: events.map(faxEventBody) }, 200);
    if (!deps.signer) throw new ValidationError('signed', 'signing is not configured on this server');
    const body = Buffer.from(JSON.stringify({ items: events.map(faxEventBody) }), 'utf8');
    const headers = { 'content-type': 'application/json', 'faxengine-signature': deps.signer.sign(body).toString('base64'), 'faxengine-signature-key-id': deps.signer.keyId };
    return new Response(body, { headers }) as never;
  });
  routes.openapi(documentRoute, async (c) => {
    const fax = visibleFax(c, deps.faxes, c.req.valid('param').id);
    refusePurged(fax);
    if (!fax.documentId) throw new NotFoundError(`fax ${fax.faxId} has no document`);
    const tiff = (c.req.header('accept') ?? '').includes('image/tiff');
    // Read whole and opened (authenticated) before the first byte goes out: never unchecked plaintext.
    const access = deps.access;
    const body = await readDocumentRecorded(deps.documents, fax.documentId, tiff ? 'image/tiff' : 'application/pdf', access && (() => access.begin(c, fax, { kind: tiff ? 'tiff' : 'pdf' })));
    return new Response(bodyBytes(body), {
      headers: { 'content-type': tiff ? 'image/tiff' : 'application/pdf', 'content-disposition': `inline; filename="fax-${fax.faxId}.${tiff ? 'tif' : 'pdf'}"` },
    }) as never;
  });
  routes.openapi(legacyStatus, (c) => {
    const { uuid } = c.req.valid('query');
    const fax = deps.faxes.findByCallUuid(uuid) ?? deps.faxes.find(uuid);
    return c.json(visibleFax(c, deps.faxes, fax?.faxId ?? uuid), 200);
  });
  return routes;
}

/** Another tenant's fax answers exactly like a missing one (the original forgot this check). */
export function visibleFax(c: Context<AuthEnv>, faxes: FaxReadModel, faxId: string): FaxView {
  const fax = faxes.find(faxId);
  const principal = c.get('principal');
  if (!fax || (principal.kind !== 'admin' && fax.tenantId !== principal.tenantId)) throw new NotFoundError(`fax ${faxId} not found`);
  return fax;
}
