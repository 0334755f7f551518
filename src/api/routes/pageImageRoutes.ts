import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import type { DocumentStore } from '../../ports/documentStore.js';
import type { FaxReadModel } from '../../ports/faxReadModel.js';
import { pageImageSizes, pageImageWidths, type PageImages, type PageImageSize } from '../../ports/pageImages.js';
import type { AccessLog } from '../accessLog.js';
import type { Auth } from '../auth/authenticate.js';
import type { AuthEnv } from '../auth/principal.js';
import { visibleFax } from './faxRoutes.js';
import { anyAuth, jsonContent, problemResponses as P, routeModule, withCommonResponses } from './openapiHelpers.js';
import { refusePurged } from './purgedFax.js';
import { bodyBytes } from '../bodyBytes.js';

export interface PageImageRouteDeps {
  faxes: FaxReadModel;
  documents: DocumentStore;
  pageImages: PageImages;
  auth: Auth;
  /** The access trail (absent: `records.accessTrail` off). */
  access?: AccessLog;
}

const tags = ['Faxes'];
// Documents are content-addressed and never change; `private` keeps shared caches out (the images are the fax).
const cacheControl = 'private, max-age=86400';
const idParam = z.string().openapi({ param: { name: 'id', in: 'path' } });
const sizeQuery = z.enum(pageImageSizes).default('thumb').openapi({ param: { name: 'size', in: 'query' }, description: 'thumb: about 200 px wide; large: about 1100 px wide' });

const pageList = z
  .object({
    faxId: z.string(),
    documentId: z.string(),
    pages: z.number().int().openapi({ description: "the document's page count" }),
    items: z.array(z.object({ page: z.number().int(), thumb: z.string(), large: z.string() })).openapi({ description: 'one per page, in order: the URLs of its two images' }),
  })
  .openapi('FaxPageImages');

const listRoute = createRoute({
  method: 'get',
  path: '/v1/faxes/{id}/pages',
  tags,
  summary: "The fax document's page count and the URLs of each page's images",
  security: anyAuth,
  request: { params: z.object({ id: idParam }) },
  responses: { 200: jsonContent(pageList, 'the pages'), 401: P[401], 404: P[404], 410: P[410] },
});
// Documented only: `{n}.png` is one path segment, which the route below matches with a pattern.
const imageRoute = createRoute({
  method: 'get',
  path: '/v1/faxes/{id}/pages/{n}.png',
  tags,
  summary: 'One page of the fax document as a grayscale PNG, rendered on first use and cached',
  security: anyAuth,
  request: {
    params: z.object({ id: idParam, n: z.string().regex(/^[1-9][0-9]*$/).openapi({ param: { name: 'n', in: 'path' }, description: 'page number, from 1' }) }),
    query: z.object({ size: sizeQuery }),
  },
  responses: {
    200: { description: 'the page (`ETag`, `Cache-Control: private`)', content: { 'image/png': { schema: z.string().openapi({ format: 'binary' }) } } },
    304: { description: 'unchanged since the `If-None-Match` ETag' },
    401: P[401],
    404: P[404],
    410: P[410],
    422: P[422],
  },
});

/** Page images of a fax's document: thumbnails and a large view for the console and other UIs. */
export function pageImageRoutes(deps: PageImageRouteDeps): OpenAPIHono<AuthEnv> {
  const routes = routeModule();
  routes.use('/v1/faxes/:id/pages', deps.auth.any);
  routes.use('/v1/faxes/:id/pages/*', deps.auth.any);

  routes.openapi(listRoute, async (c) => {
    const fax = visibleFax(c, deps.faxes, c.req.valid('param').id);
    refusePurged(fax);
    const documentId = documentOf(fax.faxId, fax.documentId);
    const pages = await pageCount(deps.documents, documentId);
    const base = `/v1/faxes/${encodeURIComponent(fax.faxId)}/pages`;
    const items = Array.from({ length: pages }, (_, index) => ({ page: index + 1, thumb: `${base}/${index + 1}.png?size=thumb`, large: `${base}/${index + 1}.png?size=large` }));
    return c.json({ faxId: fax.faxId, documentId, pages, items }, 200);
  });

  routes.openAPIRegistry.registerPath(withCommonResponses(imageRoute));
  routes.get('/v1/faxes/:id/pages/:file{[^/]+\\.png}', async (c) => {
    const fax = visibleFax(c, deps.faxes, c.req.param('id'));
    const page = pageNumber(c.req.param('file'));
    const size = sizeOf(c.req.query('size'));
    refusePurged(fax);
    const documentId = documentOf(fax.faxId, fax.documentId);
    // The width is in the tag: if it ever changes, browsers fetch the new image.
    const etag = `"${documentId}-${page}-${pageImageWidths[size]}w"`;
    const headers = { etag, 'cache-control': cacheControl };
    const pages = await pageCount(deps.documents, documentId);
    if (page > pages) throw new NotFoundError(`n: fax ${fax.faxId} has ${pages} page${pages === 1 ? '' : 's'}; there is no page ${page}`);
    if (matches(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers);
    const png = await deps.pageImages.read(documentId, page, size);
    deps.access?.read(c, fax, { kind: 'pageImage', page, size });
    return c.body(bodyBytes(png), 200, { ...headers, 'content-type': 'image/png' });
  });
  return routes;
}

function documentOf(faxId: string, documentId: string | null | undefined): string {
  if (!documentId) throw new NotFoundError(`fax ${faxId} has no document yet`);
  return documentId;
}

async function pageCount(documents: DocumentStore, documentId: string): Promise<number> {
  const document = await documents.get(documentId);
  if (!document) throw new NotFoundError(`document ${documentId} is not stored`);
  return document.pages;
}

function pageNumber(file: string): number {
  const digits = /^([0-9]+)\.png$/.exec(file)?.[1];
  const page = digits === undefined ? Number.NaN : Number(digits);
  if (!Number.isInteger(page) || page < 1) throw new ValidationError('n', `a page number from 1 is expected (e.g. 1.png), got ${JSON.stringify(file)}`);
  return page;
}

function sizeOf(value: string | undefined): PageImageSize {
  if (value === undefined) return 'thumb';
  if ((pageImageSizes as readonly string[]).includes(value)) return value as PageImageSize;
  throw new ValidationError('size', `must be ${pageImageSizes.join(' or ')}, got ${JSON.stringify(value)}`);
}

/** `If-None-Match` holds one ETag, a list of them, or `*`. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === etag || tag === '*';
  });
}
