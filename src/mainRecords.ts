import type { Logger } from 'pino';
import { directoryCollections, type TenantView } from '../projections/directoryModel.js';
import type { QueryView } from '../projections/documentProjection.js';
import { documentRefKey, noTenantKey, retentionCollections as R, retentionProjection } from '../projections/retentionProjection.js';
import { createFileEraser } from './adapters/documents/fileEraser.js';
import { createFaxPurges, type FaxPurges } from './api/services/faxPurges.js';
import type { Config } from './config/schema.js';
import type { DocumentStore } from './ports/documentStore.js';
import type { Clock } from './ports/clock.js';
import type { EventStore } from './ports/eventStore.js';
import type { Metrics } from './ports/metrics.js';
import type { PersonalDataShredder } from './ports/personalData.js';
import type { ReactorRunner } from './reactors/leasedReactor.js';
import type { ParkedEventLog } from './reactors/parkedEvents.js';
import type { ProjectionRunner } from './reactors/projectionRunner.js';
import { tryE164 } from './domain/tenancy/e164.js';
import { startPurgeRunner } from './reactors/purgeRunner.js';
import { removePurgedSpoolFiles } from './reactors/purgedSpoolFiles.js';
import { retentionSweepName, startRetentionSweep } from './reactors/retentionSweep.js';

/** Keys of a `due` or `documentRefs` range: every key that starts with `prefix|` sorts below this. */
const rangeEnd = (prefix: string) => `${prefix}|\uffff`;
/** Pending purges counted at most: the gauge reads pages of the read model at each scrape, which must stay short. */
const pendingCountCap = 10_000;

/**
 * Part of the composition root: retention and purge (README: Retention and purge). The purge
 * runner and the retention sweep run on one instance of the cluster each; the request service is
 * used by the API (and by store-nothing mode).
 */
export function startRecords(deps: {
  config: Config;
  eventStore: EventStore;
  readModels: Pick<ProjectionRunner, 'page' | 'waitFor' | 'view'>;
  directory: () => QueryView;
  shredder: PersonalDataShredder;
  documentsDir: string;
  /** Deletes a document through its store (which forgets what it caches of it). */
  documents?: Pick<DocumentStore, 'remove'>;
  pageImagesDir: string;
  spoolDir: string;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  parked: ParkedEventLog;
  reactors: ReactorRunner;
}): { purges: FaxPurges; close(): Promise<void> } {
  const { config, readModels } = deps;
  const records = config.records;
  const logger = deps.logger.child({ component: 'records' });
  const purges = createFaxPurges({ eventStore: deps.eventStore, clock: deps.clock });
  const page = (collection: string, limit: number, after: string, before: string) => readModels.page(retentionProjection.name, collection, limit, after, before);

  const files = createFileEraser({ documentsDir: deps.documentsDir, pageImagesDir: deps.pageImagesDir, spoolDir: deps.spoolDir }, deps.documents);
  const runner = startPurgeRunner({
    eventStore: deps.eventStore,
    shredder: deps.shredder,
    files,
    references: {
      waitFor: (position) => readModels.waitFor(position, 60_000),
      // A document shared by more faxes than this is kept whatever: the page is only to tell "others" from "none".
      usersOf: (documentId) => page(R.documentRefs, 10, documentRefKey(documentId, ''), rangeEnd(documentId)).map((row) => (row.doc as { faxId: string }).faxId),
    },
    clock: deps.clock,
    logger,
    purgeRate: records.purgeRate,
    stationOf: (number) => tryE164(number, config.numbers.defaultCountry),
    onPurged: (reason) => deps.metrics.count('faxesPurged', { reason }),
    parked: deps.parked,
    reactors: deps.reactors,
  });
  deps.metrics.gauge('purgesPending', () => {
    let count = 0;
    for (let after = '', rows = page(R.pending, 1000, after, '\uffff'); rows.length > 0 && count < pendingCountCap; rows = page(R.pending, 1000, after, '\uffff')) {
      count += rows.length;
      after = rows.at(-1)!.key;
    }
    return count;
  });

  /**
   * The tenants with faxes not yet asked about, found by seeking from one tenant's `due` keys to the
   * next (deleted tenants and faxes of no tenant included), each with its setting (none: the default).
   */
  function* dueTenants(): Generator<{ key: string; retentionDays: number | null }> {
    for (let after = ''; ; ) {
      const [row] = page(R.due, 1, after, '\uffff');
      if (!row) return;
      const key = row.key.slice(0, row.key.indexOf('|'));
      const tenant = key === noTenantKey ? undefined : deps.directory().get<TenantView>(directoryCollections.tenants, key);
      yield { key, retentionDays: tenant?.settings.retentionDays ?? null };
      after = rangeEnd(key);
    }
  }

  const sweep = deps.reactors(retentionSweepName, async () =>
    startRetentionSweep({
      tenants: () => dueTenants(),
      due(tenantKey, cutoff, limit, after) {
        const rows = page(R.due, limit, after ?? `${tenantKey}|`, `${tenantKey}|${cutoff}`);
        return { faxIds: rows.map((row) => (row.doc as { faxId: string }).faxId), last: rows.at(-1)?.key };
      },
      async requestPurge(faxId) {
        await purges.request(faxId, 'retention', { kind: 'system' });
      },
      policy: records.retention,
      clock: deps.clock,
      logger,
      intervalMs: records.retentionSweepInterval,
    }),
  );

  // On every instance (each has its own spool): files of faxes the runner purged elsewhere.
  const spoolLook = () =>
    removePurgedSpoolFiles({ spoolDir: deps.spoolDir, eventStore: deps.eventStore, files })
      .then((removed) => removed > 0 && logger.info({ removed }, 'removed spool files of purged faxes'))
      .catch((error: unknown) => logger.warn({ err: error }, 'could not look for spool files of purged faxes'));
  void spoolLook();
  const spoolTimer = setInterval(() => void spoolLook(), records.retentionSweepInterval).unref();

  return {
    purges,
    async close() {
      clearInterval(spoolTimer);
      await sweep.stop();
      await runner.stop();
    },
  };
}
