import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stationCollections, stationProjection } from '../../../projections/stationProjection.js';
import { listStations } from '../../../projections/stationQueries.js';
import { createSqliteReadStore } from '../../../src/adapters/readStore/sqliteReadStore.js';
import type { StationState } from '../../../src/domain/fax/stationKnowledge.js';
import { makeTempDir } from '../../support/tempDir.js';

const station = (e164: string): StationState => ({ station: e164, needsAudio: false, troubles: 1, cleanAudioFaxes: 0, lastChangeAt: '2026-01-01T00:00:00.000Z', lastChangeReason: 'test' });

describe('GET /v1/stations pages: one range read of the read store in E.164 order', () => {
  let dir: ReturnType<typeof makeTempDir> | undefined;
  afterEach(() => dir?.remove());

  it('walks every station once, after the cursor, and the last page says there is no more', () => {
    dir = makeTempDir('station-pages');
    const readStore = createSqliteReadStore({ path: join(dir.path, 'readmodels.sqlite') });
    const numbers = ['+4930123456', '+15550000003', '+15550000001', '+447700900123', '+15550000002'];
    readStore.commit([{ projection: stationProjection.name, writes: numbers.map((e164) => ({ collection: stationCollections.stations, key: e164, doc: station(e164) })), checkpoint: 5 }]);
    const pages: string[][] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = listStations(readStore, 2, cursor);
      pages.push(page.items.map((item) => item.station));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(pages).toEqual([['+15550000001', '+15550000002'], ['+15550000003', '+447700900123'], ['+4930123456']]);
    expect(listStations(readStore, 10, '+15550000002').items.map((item) => item.station)).toEqual(['+15550000003', '+447700900123', '+4930123456']);
    expect(listStations(readStore, 10).nextCursor).toBeNull();
    readStore.close();
  });
});
