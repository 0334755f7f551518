import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { FaxReadModel } from '../../ports/faxReadModel.js';
import { NotFoundError } from '../../domain/errors.js';
import type { Clock } from '../../ports/clock.js';
import type { DocumentStore } from '../../ports/documentStore.js';
import { ForbiddenError } from '../auth/forbidden.js';
import { linkReader, type AccessLog } from '../accessLog.js';
import type { AuthEnv } from '../auth/principal.js';
import { problemResponses as P, routeModule } from './openapiHelpers.js';
import { refusePurged } from './purgedFax.js';
import { bodyBytes } from '../bodyBytes.js';
import { readDocumentRecorded } from '../readDocumentRecorded.js';

export interface DocumentLinkRouteDeps {
  /** Whether the signature signs this fax and expiry, and the link has not expired. */
  verify(faxId: string, expires: string, signature: string, now: Date): boolean;
  faxes: FaxReadModel;
  documents: DocumentStore;
  clock: Clock;
  /** The access trail (absent: `records.accessTrail` off). */
  access?: AccessLog;
}

const download = createRoute({
  method: 'get',
  path: '/v1/documents/{faxId}',
  tags: ['Faxes'],
  summary: "A fax's PDF through a signed, expiring link (as sent in webhooks); needs no credentials",
  request: {
    params: z.object({ faxId: z.string().openapi({ param: { name: 'faxId', in: 'path' } }) }),
    query: z.object({ expires: z.string(), signature: z.string() }),
  },
  responses: { 200: { description: 'application/pdf' }, 403: P[403], 404: P[404], 410: P[410], 422: P[422] },
});

/** Serves documents to webhook receivers that hold a link signed by the notifier. */
export function documentLinkRoutes(deps: DocumentLinkRouteDeps): OpenAPIHono<AuthEnv> {
  const routes = routeModule();
  routes.openapi(download, async (c) => {
    const { faxId } = c.req.valid('param');
    const { expires, signature } = c.req.valid('query');
    if (!deps.verify(faxId, expires, signature, deps.clock.now())) throw new ForbiddenError('the link is invalid or has expired');
    const fax = deps.faxes.find(faxId);
    if (fax) refusePurged(fax);
    if (!fax?.documentId) throw new NotFoundError(`fax ${faxId} has no document`);
    const access = deps.access;
    const body = await readDocumentRecorded(deps.documents, fax.documentId, 'application/pdf', access && (() => access.begin(c, fax, { kind: 'pdf' }, linkReader(faxId, expires, signature))));
    return new Response(bodyBytes(body), { headers: { 'content-type': 'application/pdf', 'content-disposition': `inline; filename="fax-${fax.faxId}.pdf"` } }) as never;
  });
  return routes;
}
