import { join } from 'node:path';
import type { Logger } from 'pino';
import { readModelProjections, readModelStreamPrefixes } from '../../projections/readModelProjections.js';
import { routingProjection } from '../../projections/routingProjection.js';
import { createRoutingTable, type RoutingTable } from '../../projections/routingTable.js';
import { createSqliteReadStore, dropSqliteReadStore } from '../adapters/readStore/sqliteReadStore.js';
import type { EventStore } from '../ports/eventStore.js';
import type { ReadStore } from '../ports/readStore.js';
import { createProjectionRunner, type ProjectionRunner } from './projectionRunner.js';

export const readStoreFileName = 'readmodels.sqlite';

export interface ReadModels {
  runner: ProjectionRunner;
  /** Dialled number → route, source IP → gateway; kept current as the routing projection changes. */
  routing: RoutingTable;
  readStore: ReadStore;
  close(): Promise<void>;
}

/** Opens `<dataDir>/readmodels.sqlite` and the runner of every read-model projection (tenancy and faxes; not started). */
export function openReadModels(options: { dataDir: string; eventStore: EventStore; logger: Logger; rebuild?: boolean }): ReadModels {
  const path = join(options.dataDir, readStoreFileName);
  if (options.rebuild) dropSqliteReadStore(path);
  const readStore = createSqliteReadStore({ path });
  const runner = createProjectionRunner({
    eventStore: options.eventStore,
    readStore,
    projections: readModelProjections,
    streamPrefixes: readModelStreamPrefixes,
    logger: options.logger,
  });
  const routing = createRoutingTable(() => runner.view(routingProjection.name));
  runner.onApplied((changed) => {
    if (changed.has(routingProjection.name)) routing.invalidate();
  });
  return {
    runner,
    routing,
    readStore,
    async close() {
      await runner.stop();
      readStore.close();
    },
  };
}
