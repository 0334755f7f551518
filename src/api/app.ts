import { OpenAPIHono } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import type { EventStore } from '../ports/eventStore.js';
import { allowedMethods, methodNotAllowed } from './methodNotAllowed.js';
import { problemFor, problemResponse, statusTitle } from './problem.js';
import { defaultMaxJsonBodyBytes, jsonBodyLimit } from './jsonBodyLimit.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import { docsPageRoutes } from './routes/docsPage.js';
import type { TenancyRouteDeps } from './routes/tenancyApiDeps.js';
import { tenancyRoutes } from './routes/tenancyRoutes.js';
import { faxRoutes, type FaxRouteDeps } from './routes/faxRoutes.js';
import { stationRoutes, type StationRouteDeps } from './routes/stationRoutes.js';
import { faxSubmissionRoutes } from './routes/faxSubmissionRoutes.js';
import type { SubmissionRouteDeps } from './routes/submissionAccess.js';
import { isStreamedUpload } from './routes/receiveUploads.js';
import { notificationRoutes, type NotificationRouteDeps } from './routes/notificationRoutes.js';
import { documentLinkRoutes, type DocumentLinkRouteDeps } from './routes/documentLinkRoutes.js';
import { parkedEventRoutes, type ParkedEventRouteDeps } from './routes/parkedEventRoutes.js';
import { metricsRoutes, type MetricsRouteDeps } from './routes/metricsRoutes.js';
import { statsRoutes, type StatsRouteDeps } from './routes/statsRoutes.js';
import { pageImageRoutes, type PageImageRouteDeps } from './routes/pageImageRoutes.js';
import { exportRoutes, type ExportRouteDeps } from './routes/exportRoutes.js';
import { purgeRoutes, type PurgeRouteDeps } from './routes/purgeRoutes.js';
import { accessRoutes, type AccessRouteDeps } from './routes/accessRoutes.js';

import { encryptionRoutes, type EncryptionRouteDeps } from './routes/encryptionRoutes.js';

/** Everything the HTTP API needs; built by the composition root (src/main.ts) or by tests. */
export interface AppDeps {
  eventStore: EventStore;
  logger: Logger;
  version: string;
  /** `http.maxJsonBodyBytes`: the largest body of any request but a multipart upload (default 64 KiB). */
  maxJsonBodyBytes?: number;
  /** Tenants, numbers, users and endpoints: the admin and tenant API (see createTenancyApi). */
  tenancy?: TenancyRouteDeps;
  /** Fax read routes (/v1/faxes…, the original's /fax/status). */
  faxes?: FaxRouteDeps;
  /** Station knowledge admin routes (/v1/stations…, the original's /admin/fallback). */
  stations?: StationRouteDeps;
  /** Sending: POST /v1/faxes, DELETE /v1/faxes/{id}, the original's POST /fax/send. */
  submission?: SubmissionRouteDeps;
  /** Notification state, dead letters and redelivery (/v1/notifications, /v1/faxes/{id}/notifications…). */
  notifications?: NotificationRouteDeps;
  /** Signed document links for webhook receivers (/v1/documents/{faxId}). */
  documentLinks?: DocumentLinkRouteDeps;
  /** Events reactors parked after retrying them (/v1/admin/parked-events). */
  parkedEvents?: ParkedEventRouteDeps;
  /** Prometheus metrics at `GET /metrics` (absent: `metrics.enabled` is off). */
  metrics?: MetricsRouteDeps;
  /** Fax statistics per gateway, station and tenant (/v1/stats/…). */
  stats?: StatsRouteDeps;
  /** Page images of fax documents (/v1/faxes/{id}/pages…). */
  pageImages?: PageImageRouteDeps;
  /** Signed exports (/v1/faxes/{id}/export, /v1/tenants/{id}/export) and their public key. */
  exports?: ExportRouteDeps;
  /** Purge on request (POST /v1/faxes/{id}/purge). */
  purges?: PurgeRouteDeps;
  /** The access trail's queries and chain check (/v1/faxes/{id}/access, /v1/access…). */
  access?: AccessRouteDeps;

  /** Encryption at rest: status and key ring reload (/v1/admin/encryption). */
  encryption?: EncryptionRouteDeps;
  /** Dependencies `/readyz` checks besides the event store (FreeSWITCH, Kafka, SMTP). */
  readiness?: ReadinessCheck[];
  /** The web console's routes (src/console), mounted at `/` after the API's. */
  console?: Hono;
}

/** Builds the Hono app: route modules, problem+json errors, and the OpenAPI document. */
export function createApp(deps: AppDeps): OpenAPIHono {
  const app = new OpenAPIHono({
    // zod validation failures name the field, as DESIGN.md asks of every 4xx.
    defaultHook: (result, c) => {
      if (result.success) return;
      const issue = result.error.issues[0];
      const field = issue?.path.join('.') || undefined;
      return problemResponse(c, {
        type: 'about:blank',
        title: 'Unprocessable Content',
        status: 422,
        detail: issue ? `${field ?? 'body'}: ${issue.message}` : 'invalid request',
        ...(field ? { field } : {}),
      });
    },
  });

  app.onError((error, c) => {
    // Hono's own 4xx (e.g. malformed JSON) become problems too, unless they carry a prepared response.
    if (error instanceof HTTPException) {
      return error.res ? error.getResponse() : problemResponse(c, { type: 'about:blank', title: statusTitle(error.status), status: error.status, detail: error.message, field: 'body' });
    }
    const problem = problemFor(error);
    if (problem.status >= 500) deps.logger.error({ err: error, path: c.req.path }, 'request failed');
    return problemResponse(c, problem);
  });
  // Before every route: no request body but an upload (which streams to disk under its own limits) is read past the limit.
  app.use('*', jsonBodyLimit(deps.maxJsonBodyBytes ?? defaultMaxJsonBodyBytes, (c) => deps.submission !== undefined && isStreamedUpload(c)));
  const allowed = allowedMethods(app);
  app.notFound((c) => {
    const allow = allowed(c.req.path);
    if (allow.length > 0 && !allow.includes(c.req.method)) return methodNotAllowed(c, allow);
    return problemResponse(c, { type: 'about:blank', title: 'Not Found', status: 404, detail: `no route for ${c.req.method} ${c.req.path}` });
  });

  app.route('/', healthRoutes(deps));
  if (deps.metrics) app.route('/', metricsRoutes(deps.metrics));
  if (deps.tenancy) app.route('/', tenancyRoutes(deps.tenancy));
  if (deps.faxes) app.route('/', faxRoutes(deps.faxes));
  if (deps.submission) app.route('/', faxSubmissionRoutes(deps.submission));
  if (deps.stations) app.route('/', stationRoutes(deps.stations));
  if (deps.notifications) app.route('/', notificationRoutes(deps.notifications));
  if (deps.documentLinks) app.route('/', documentLinkRoutes(deps.documentLinks));
  if (deps.parkedEvents) app.route('/', parkedEventRoutes(deps.parkedEvents));
  if (deps.stats) app.route('/', statsRoutes(deps.stats));
  if (deps.pageImages) app.route('/', pageImageRoutes(deps.pageImages));
  if (deps.exports) app.route('/', exportRoutes(deps.exports));
  if (deps.purges) app.route('/', purgeRoutes(deps.purges));
  if (deps.access) app.route('/', accessRoutes(deps.access));

  if (deps.encryption) app.route('/', encryptionRoutes(deps.encryption));
  const openapi = { openapi: '3.1.0', info: { title: 'faxengine', version: deps.version } };
  app.route('/', docsPageRoutes(() => app.getOpenAPI31Document(openapi)));

  app.doc31('/openapi.json', openapi);
  if (deps.console) app.route('/', deps.console);
  return app;
}
