import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { createSqliteReadStore } from '../../../src/adapters/readStore/sqliteReadStore.js';
import type { ReadStoreDump } from '../../../src/ports/readStore.js';
import { openReadModels, readStoreFileName, rebuildReadModels } from '../../../src/reactors/readModels.js';
import { faxHistory, writeFaxHistory, type FaxHistoryOptions } from '../../support/faxHistory.js';
import { makeTempDir } from '../../support/tempDir.js';

const logger = pino({ level: 'silent' });

function dumpOf(dataDir: string): ReadStoreDump {
  const store = createSqliteReadStore({ path: join(dataDir, readStoreFileName) });
  try {
    return store.dump();
  } finally {
    store.close();
  }
}

/** Where two dumps differ, at most a few lines of it. */
function differences(live: ReadStoreDump, rebuilt: ReadStoreDump): string[] {
  const found: string[] = [];
  const name = (doc: ReadStoreDump['documents'][number]) => `${doc.projection}/${doc.collection}/${doc.key}`;
  const rebuiltDocs = new Map(rebuilt.documents.map((doc) => [name(doc), doc.doc]));
  for (const doc of live.documents) {
    const other = rebuiltDocs.get(name(doc));
    if (other !== doc.doc) found.push(`${name(doc)}: live ${doc.doc.slice(0, 300)} → rebuilt ${other?.slice(0, 300) ?? '(missing)'}`);
    rebuiltDocs.delete(name(doc));
  }
  for (const key of rebuiltDocs.keys()) found.push(`${key}: rebuilt only`);
  if (JSON.stringify(live.checkpoints) !== JSON.stringify(rebuilt.checkpoints)) found.push(`checkpoints: ${JSON.stringify(live.checkpoints)} → ${JSON.stringify(rebuilt.checkpoints)}`);
  return found.slice(0, 10);
}

describe('projections rebuild at 100k faxes', () => {
  const dir = makeTempDir('history-rebuild');
  afterAll(() => dir.remove());

  it('rebuilds exactly the read model the live server kept: caught up in batches through a small cache, then following live faxes', async () => {
    const options: FaxHistoryOptions = { faxes: 100_000, tenants: 50, years: 3, seed: 11, concurrent: 32 };
    const events = writeFaxHistory(join(dir.path, 'events.sqlite'), options);
    expect(events).toBeGreaterThan(600_000);
    const eventStore = createSqliteEventStore({ path: join(dir.path, 'events.sqlite'), synchronous: 'normal' });
    try {
      const live = openReadModels({ dataDir: dir.path, eventStore, logger, cacheEntries: 1000 });
      await live.runner.start();
      // Faxes that happen while the server runs: their events interleave, each commit is live.
      const later: FaxHistoryOptions = { ...options, faxes: 300, start: '2026-02-01T00:00:00.000Z', seed: 12 };
      const streams = Array.from({ length: later.faxes }, (_, index) => faxHistory(index, later)).map(({ faxId, events }) => ({ faxId: `live-${faxId}`, events }));
      let last = 0;
      for (let step = 0; streams.some((stream) => stream.events.length > 0); step++) {
        const appends = streams
          .filter((stream) => stream.events.length > 0)
          .slice(0, 40)
          .map((stream) => {
            const { type, data } = stream.events.shift()!;
            return eventStore.append(`fax-${stream.faxId}`, [{ type, data: { ...data, faxId: stream.faxId } }]);
          });
        for (const { position } of await Promise.all(appends)) last = Math.max(last, position);
      }
      await live.runner.waitFor(last);
      expect(live.faxes.list({}, 1).items[0]?.faxId).toMatch(/^live-/);
      expect(live.faxes.find('f00050000')?.faxId).toBe('f00050000');
      await live.close();

      const liveDump = dumpOf(dir.path);
      // The fax list's rows (the retention read model keeps a `faxes` collection of its own too).
      expect(liveDump.documents.filter((doc) => doc.projection === 'faxes' && doc.collection === 'faxes')).toHaveLength(options.faxes + later.faxes);
      expect(liveDump.documents.filter((doc) => doc.projection === 'notifications' && doc.collection === 'notifications').length).toBeGreaterThan(10_000);

      const position = await rebuildReadModels({ dataDir: dir.path, eventStore, logger });
      expect(position).toBe(last);
      expect(differences(liveDump, dumpOf(dir.path))).toEqual([]);
    } finally {
      await eventStore.close();
    }
  }, 180_000);
});
