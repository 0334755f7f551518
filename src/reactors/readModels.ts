import { join } from 'node:path';
import type { Logger } from 'pino';
import { readModelProjectionsFor, readModelStreamPrefixes } from '../../projections/readModelProjections.js';
import { routingProjection } from '../../projections/routingProjection.js';
import { createRoutingTable, type RoutingTable } from '../../projections/routingTable.js';
import { createReadStoreRebuild } from '../adapters/readStore/readStoreRebuild.js';
import { createSqliteReadStore } from '../adapters/readStore/sqliteReadStore.js';
import type { AccessReadModel } from '../ports/accessReadModel.js';
import type { FaxReadModel } from '../ports/faxReadModel.js';
import type { NotificationReadModel } from '../ports/notificationReadModel.js';
import type { EventStore } from '../ports/eventStore.js';
import type { ReadStore } from '../ports/readStore.js';
import { createProjectionRunner, type ProjectionRunner } from './projectionRunner.js';

export const readStoreFileName = 'readmodels.sqlite';

export interface ReadModels {
  runner: ProjectionRunner;
  /** Dialled number → route, source IP → gateway; kept current as the routing projection changes. */
  routing: RoutingTable;
  readStore: ReadStore;
  /** The faxes and notifications: indexed tables of the read store, queried a page at a time. */
  faxes: FaxReadModel;
  notifications: NotificationReadModel;
  /** Who read which fax: the access trail's indexed table. */
  access: AccessReadModel;
  close(): Promise<void>;
}

interface ReadModelOptions {
  dataDir: string;
  eventStore: EventStore;
  logger: Logger;
  /** Country national numbers are read in (`numbers.defaultCountry`): fax number search. Default US. */
  defaultCountry?: string;
  /** Documents of each history collection the folds cache (see ProjectionRunnerDeps.cacheEntries). */
  cacheEntries?: number;
  /** See ProjectionRunnerDeps.historyCommitMs. */
  historyCommitMs?: number;
}

/** Opens `<dataDir>/readmodels.sqlite` and the runner of every read-model projection (tenancy and faxes; not started). */
export function openReadModels(options: ReadModelOptions): ReadModels {
  const readStore = createSqliteReadStore({ path: join(options.dataDir, readStoreFileName), defaultCountry: options.defaultCountry });
  const runner = runnerOf(readStore, options);
  const routing = createRoutingTable(() => runner.view(routingProjection.name));
  runner.onApplied((changed) => {
    if (changed.has(routingProjection.name)) routing.invalidate();
  });
  return {
    runner,
    routing,
    readStore,
    // Their queries read the tables: what the runner applied is committed first.
    faxes: committedBeforeReads(readStore.faxes, runner),
    notifications: committedBeforeReads(readStore.notifications, runner),
    access: committedBeforeReads(readStore.access, runner),
    async close() {
      await runner.stop();
      readStore.close();
    },
  };
}

/**
 * `projections rebuild`: folds every event into a new read store and puts it in place of
 * `<dataDir>/readmodels.sqlite` once complete. Answers the event position the read models reached.
 */
export async function rebuildReadModels(options: ReadModelOptions): Promise<number> {
  const rebuild = createReadStoreRebuild(join(options.dataDir, readStoreFileName), options.defaultCountry);
  const runner = runnerOf(rebuild.readStore, options);
  try {
    await runner.catchUp();
  } catch (error) {
    rebuild.discard();
    throw error;
  }
  await rebuild.install();
  return runner.position;
}

function runnerOf(readStore: ReadStore, { eventStore, logger, cacheEntries, historyCommitMs, defaultCountry }: ReadModelOptions): ProjectionRunner {
  return createProjectionRunner({ eventStore, readStore, projections: readModelProjectionsFor({ defaultCountry }), streamPrefixes: readModelStreamPrefixes, logger, cacheEntries, historyCommitMs });
}

/** `model` with each query preceded by the runner's pending commit (models of methods only). */
function committedBeforeReads<T extends object>(model: T, runner: Pick<ProjectionRunner, 'commitPending'>): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, query] of Object.entries(model)) {
    if (typeof query !== 'function') throw new Error(`read model member ${name} is not a query`);
    wrapped[name] = (...args: unknown[]) => {
      runner.commitPending();
      return (query as (...args: unknown[]) => unknown).apply(model, args);
    };
  }
  return wrapped as T;
}
