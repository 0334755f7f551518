import { join } from 'node:path';
import type { Logger } from 'pino';
import { stationProjection } from '../../projections/stationProjection.js';
import { createSqliteReadStore } from '../../src/adapters/readStore/sqliteReadStore.js';
import type { EventStore } from '../../src/ports/eventStore.js';
import { createProjectionRunner, type ProjectionRunner } from '../../src/reactors/projectionRunner.js';

/** The stations read model alone, in `<dir>/stations.sqlite`, started: what station knowledge reads. */
export async function startStationReadModel(eventStore: EventStore, dir: string, logger: Logger): Promise<{ runner: ProjectionRunner; close(): Promise<void> }> {
  const readStore = createSqliteReadStore({ path: join(dir, 'stations.sqlite') });
  const runner = createProjectionRunner({ eventStore, readStore, projections: [stationProjection], streamPrefixes: ['station-'], logger });
  await runner.start();
  return {
    runner,
    async close() {
      await runner.stop();
      readStore.close();
    },
  };
}
