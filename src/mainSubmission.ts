import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { RoutingTable } from '../projections/routingTable.js';
import { createDocumentConverter } from './adapters/documents/faxConversion.js';
import type { SubmissionRouteDeps } from './api/routes/submissionAccess.js';
import { createFaxSubmission, type FaxSubmissionDeps, type OutboundFaxControl } from './api/services/faxSubmission.js';
import type { Config } from './config/schema.js';
import type { Clock } from './ports/clock.js';
import type { DocumentStore } from './ports/documentStore.js';
import type { EventStore } from './ports/eventStore.js';
import { noMetrics, type Metrics } from './ports/metrics.js';
import { meteredConverter } from './adapters/metrics/meteredConverter.js';

export interface SubmissionWiring {
  config: Config;
  eventStore: EventStore;
  documents: DocumentStore;
  routing: RoutingTable;
  control: OutboundFaxControl;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
}

/** The submission service on the ghostscript converter, with the configured limits; the routes add `auth`. */
export function createSubmissionApi(wiring: SubmissionWiring): Omit<SubmissionRouteDeps, 'auth'> {
  const { submission } = wiring.config;
  const tempDir = join(wiring.config.dataDir, 'tmp');
  // Only this process works in its data dir's tmp: anything there was left by one that died
  // mid-submission (uploads, half-converted pages) and nothing will ever come back for it.
  rmSync(tempDir, { recursive: true, force: true });
  const converter = meteredConverter(
    createDocumentConverter({
      tempDir: join(tempDir, 'conversion'),
      timeoutMs: submission.conversionTimeoutMs,
      concurrency: submission.conversionConcurrency,
    }),
    wiring.metrics ?? noMetrics,
  );
  const service = createFaxSubmission({
    eventStore: wiring.eventStore,
    documents: wiring.documents,
    converter,
    ...routingLookups(wiring.routing),
    control: wiring.control,
    clock: wiring.clock,
    defaultCountry: wiring.config.numbers.defaultCountry,
    defaultPageSize: submission.defaultPageSize,
    limits: submission,
    tempDir: join(tempDir, 'submissions'),
    logger: wiring.logger.child({ component: 'submission' }),
  });
  return { service, dropDir: submission.dropDir };
}

/** What a submission (or a resend) reads of the routing read model: the number, its gateways and webhooks, the tenant's settings. */
export function routingLookups(routing: RoutingTable): Pick<FaxSubmissionDeps, 'lookupNumber' | 'outboundGateways' | 'outboundWebhooks' | 'tenantSettings'> {
  return {
    lookupNumber: (e164) => routing.lookup(e164),
    outboundGateways: (tenantId, numberId) => routing.outboundGateways(tenantId, numberId),
    outboundWebhooks: (tenantId, numberId) => routing.outboundWebhooks(tenantId, numberId),
    tenantSettings: (tenantId) => routing.tenantSettings(tenantId),
  };
}
