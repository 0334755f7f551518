import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import type { StationEvent } from '../../../src/domain/fax/stationKnowledge.js';
import type { EventData, EventStore } from '../../../src/ports/eventStore.js';
import { openReadModels } from '../../../src/reactors/readModels.js';
import { startStationKnowledge } from '../../../src/reactors/stationLearning.js';
import { makeTempDir } from '../../support/tempDir.js';

const logger = pino({ level: 'silent' });
const at = '2026-01-01T00:00:00.000Z';
const policy = { troublesBeforeFallback: 2, cleanAudioFaxesBeforeRetry: 3 };

/** The event store, counting every `station-` event it hands out (reads and subscriptions). */
function countingStationReads(store: EventStore): { store: EventStore; read: () => number } {
  let read = 0;
  const count = <T extends Pick<EventData, 'stream'>>(events: T[]) => {
    read += events.filter((event) => event.stream.startsWith('station-')).length;
    return events;
  };
  const counting: EventStore = Object.assign(Object.create(store) as EventStore, {
    readAll: async (options?: Parameters<EventStore['readAll']>[0]) => count(await store.readAll(options)),
    ...(store.readAllData ? { readAllData: async (options?: Parameters<EventStore['readAll']>[0]) => count(await store.readAllData!(options)) } : {}),
    subscribeToAll: (options: Parameters<EventStore['subscribeToAll']>[0]) =>
      store.subscribeToAll({ ...options, handler: (event) => (count([event]), options.handler(event)) }),
  });
  return { store: counting, read: () => read };
}

/** The server's read models and station knowledge over `eventStore`, as `serve` starts them. */
async function start(dataDir: string, eventStore: EventStore) {
  const readModels = openReadModels({ dataDir, eventStore, logger });
  await readModels.runner.start();
  const knowledge = await startStationKnowledge({ eventStore, readModels: readModels.runner, policy, toE164: (raw) => raw, logger });
  return {
    knowledge,
    async stop() {
      await knowledge.stop();
      await readModels.close();
    },
  };
}

describe('station knowledge across a restart', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('resumes from its checkpoint: a restart reads no station stream again, and still knows every station', async () => {
    const dir = makeTempDir('stations');
    const raw = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    cleanups.push(dir.remove, () => raw.close());
    const stations = Array.from({ length: 30 }, (_, index) => `+1555000${String(index).padStart(4, '0')}`);
    for (const station of stations) {
      const events: StationEvent[] = [
        { type: 'StationT38Trouble', data: { station, faxId: `f-${station}`, negotiations: 2, badRows: 0, resultCode: 48, at } },
        { type: 'StationFallbackEnabled', data: { station, reason: 'test', by: 'policy', at } },
      ];
      await raw.append(`station-${station}`, events);
    }

    const first = countingStationReads(raw);
    const before = await start(dir.path, first.store);
    expect(before.knowledge.needsAudio(stations[7]!)).toBe(true);
    await before.stop();
    // The first start folds every station event once.
    expect(first.read()).toBe(stations.length * 2);

    const second = countingStationReads(raw);
    const after = await start(dir.path, second.store);
    cleanups.push(() => after.stop());
    expect(second.read()).toBe(0);
    expect(stations.every((station) => after.knowledge.needsAudio(station))).toBe(true);
    expect(after.knowledge.state(stations[0]!)).toMatchObject({ needsAudio: true, troubles: 0, lastChangeReason: 'test' });

    // Live changes still arrive, through the runner's subscription.
    await raw.append(`station-${stations[3]}`, [{ type: 'StationFallbackCleared', data: { station: stations[3]!, reason: 'admin', by: 'admin', at } }]);
    await after.knowledge.settled(stations[3]!, false, 10_000);
    expect(second.read()).toBe(1);
  });
});
