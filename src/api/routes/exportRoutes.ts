import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Logger } from 'pino';
import type { QueryView } from '../../../projections/documentProjection.js';
import { ValidationError } from '../../domain/errors.js';
import type { FaxView } from '../../domain/fax/faxView.js';
import { exportKeyRoute } from '../../exports/exportPublicKeySource.js';
import { archiveStream, exportArchive, type ExportArchiveDeps, type ExportRequest } from '../../exports/exportArchive.js';
import type { ExportedBy } from '../../exports/exportManifest.js';
import type { FaxReadModel } from '../../ports/faxReadModel.js';
import type { AccessLog } from '../accessLog.js';
import type { Auth } from '../auth/authenticate.js';
import type { AuthEnv, Principal } from '../auth/principal.js';
import { visibleFax } from './faxRoutes.js';
import { anyAuth, jsonContent, problemResponses as P, routeModule } from './openapiHelpers.js';
import { visibleTenant } from './v1/access.js';
import { queryFlag } from './v1/schemas.js';

export interface ExportRouteDeps extends ExportArchiveDeps {
  faxes: FaxReadModel;
  directory: () => QueryView;
  auth: Auth;
  logger: Logger;
  /** The access trail: each fax an export holds is reported as it is added (absent: `records.accessTrail` off). */
  access?: AccessLog;
}

export const exportKeyPath = exportKeyRoute;
const tags = ['Exports'];
const tar = { description: 'a ustar archive: faxes/<faxId>/events.json, document.tiff (document.pdf), manifest.json, manifest.sig', content: { 'application/x-tar': { schema: z.string().openapi({ format: 'binary' }) } } };
const pdf = queryFlag.openapi({ description: "true: also each document's PDF rendition (rendered on first use)" });

const isoInstant = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** An ISO date (a whole UTC day: its start for `since`, its end for `until`) or date-time with offset. */
const instant = (edge: 'start' | 'end') =>
  z
    .string()
    .regex(isoInstant, 'expected an ISO 8601 date (2026-12-01) or date-time with offset (2026-12-01T08:00:00Z)')
    .transform((value, ctx) => {
      const parsed = parseInstant(value, edge);
      if (parsed === undefined) ctx.addIssue({ code: 'custom', message: 'expected an ISO 8601 date (2026-12-01) or date-time with offset (2026-12-01T08:00:00Z)' });
      return parsed ?? '';
    })
    .optional();

const faxExport = createRoute({
  method: 'get',
  path: '/v1/faxes/{id}/export',
  tags,
  summary: 'One fax, signed: its events and document with a manifest of hashes signed by faxengine (verify with `faxengine verify`)',
  security: anyAuth,
  request: { params: z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) }), query: z.object({ pdf }) },
  responses: { 200: tar, 401: P[401], 404: P[404] },
});
const tenantExport = createRoute({
  method: 'get',
  path: '/v1/tenants/{tenantId}/export',
  tags,
  summary: "A tenant's faxes created within a time range, signed like one fax's export (the admin, or that tenant's users)",
  security: anyAuth,
  request: {
    params: z.object({ tenantId: z.string().openapi({ param: { name: 'tenantId', in: 'path' } }) }),
    query: z.object({
      since: instant('start').openapi({ description: 'faxes created at or after (a date is its start, UTC); default: the first' }),
      until: instant('end').openapi({ description: 'faxes created at or before (a date is its end, UTC); default: now' }),
      pdf,
    }),
  },
  responses: { 200: tar, 401: P[401], 404: P[404], 422: P[422] },
});
const exportKey = createRoute({
  method: 'get',
  path: exportKeyPath,
  tags,
  summary: 'The public key exports are signed with (no credentials needed)',
  request: {},
  responses: {
    200: jsonContent(
      z.object({ algorithm: z.literal('Ed25519'), keyId: z.string().openapi({ description: 'hex SHA-256 of the raw public key' }), publicKey: z.string().openapi({ description: 'the raw 32-byte key, base64' }), publicKeyPem: z.string() }).openapi('ExportPublicKey'),
      'the current export signing key',
    ),
  },
});

/** Signed exports (README: Signed exports) and the public key that checks them. */
export function exportRoutes(deps: ExportRouteDeps): OpenAPIHono<AuthEnv> {
  const routes = routeModule();
  routes.use('/v1/faxes/:id/export', deps.auth.any);
  routes.use('/v1/tenants/:tenantId/export', deps.auth.readOrAdmin);

  routes.openapi(exportKey, (c) => c.json(deps.signer.publicKey, 200));
  routes.openapi(faxExport, (c) => {
    const fax = visibleFax(c, deps.faxes, c.req.valid('param').id);
    deps.access?.read(c, fax, { kind: 'export', scope: { kind: 'fax' }, pdf: c.req.valid('query').pdf ?? false });
    return answer(c, [fax], { scope: { kind: 'fax', faxId: fax.faxId }, exportedBy: exportedBy(c.get('principal')), includePdf: c.req.valid('query').pdf ?? false }, `faxengine-export-${fax.faxId}.tar`);
  });
  routes.openapi(tenantExport, (c) => {
    const tenant = visibleTenant(c, deps.directory(), c.req.valid('param').tenantId);
    const query = c.req.valid('query');
    // A fixed end, so faxes arriving during the export are not half in it, and the manifest says exactly what it covers.
    const until = query.until ?? deps.clock.now().toISOString();
    const since = query.since ?? null;
    if (since !== null && since > until) {
      throw query.until ? new ValidationError('until', `must not be before since (${since} > ${until})`) : new ValidationError('since', `is in the future (${since}); until defaults to now`);
    }
    const request: ExportRequest = { scope: { kind: 'tenant', tenantId: tenant.id, since, until }, exportedBy: exportedBy(c.get('principal')), includePdf: query.pdf ?? false };
    const what = { kind: 'export', scope: { kind: 'tenant', tenantId: tenant.id, since, until }, pdf: request.includePdf } as const;
    return answer(c, reported(tenantFaxes(deps.faxes, tenant.id, since, until), (fax) => deps.access?.read(c, fax, what)), request, `faxengine-export-${tenant.id}-${until.slice(0, 10)}.tar`);
  });

  function answer(c: Context, faxes: AsyncIterable<FaxView> | Iterable<FaxView>, request: ExportRequest, filename: string) {
    const path = c.req.path;
    deps.logger.info({ scope: request.scope, exportedBy: request.exportedBy, keyId: deps.signer.publicKey.keyId }, 'signed export');
    const body = archiveStream(exportArchive(faxes, request, deps), (error) => deps.logger.error({ err: error, path }, 'export failed part way; the archive was cut short'));
    return new Response(body, {
      headers: { 'content-type': 'application/x-tar', 'content-disposition': `attachment; filename="${filename}"`, 'x-faxengine-export-key-id': deps.signer.publicKey.keyId },
    }) as never;
  }
  return routes;
}

/** The faxes, each reported as the archive takes it: a range export cut short reports only what it held. */
async function* reported(faxes: AsyncIterable<FaxView>, report: (fax: FaxView) => void): AsyncGenerator<FaxView> {
  for await (const fax of faxes) {
    report(fax);
    yield fax;
  }
}

/** The tenant's faxes in the range, newest first, one indexed page at a time (keyset cursor). */
async function* tenantFaxes(faxes: FaxReadModel, tenantId: string, since: string | null, until: string): AsyncGenerator<FaxView> {
  let cursor: string | undefined;
  do {
    const page = faxes.list({ tenantId, ...(since ? { since } : {}), until }, 100, cursor);
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

function exportedBy(principal: Principal): ExportedBy {
  return principal.kind === 'admin' ? { kind: 'admin' } : { kind: 'user', userId: principal.userId, username: principal.username, tenantId: principal.tenantId, apiKeyId: principal.apiKeyId };
}

/** A UTC ISO instant, or undefined when `value` is neither an ISO date nor an ISO date-time with offset. */
export function parseInstant(value: string, edge: 'start' | 'end'): string | undefined {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (date) {
    const start = new Date(`${value}T00:00:00.000Z`);
    // Date rolls 2026-02-30 over into March: a date that is not one is refused.
    if (Number.isNaN(start.getTime()) || start.toISOString().slice(0, 10) !== value) return undefined;
    return edge === 'start' ? start.toISOString() : new Date(start.getTime() + 86_400_000 - 1).toISOString();
  }
  if (!z.iso.datetime({ offset: true }).safeParse(value).success) return undefined;
  return new Date(value).toISOString();
}
