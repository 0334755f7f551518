import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { createSqliteReadStore } from '../../../src/adapters/readStore/sqliteReadStore.js';
import { openReadModels, readStoreFileName, rebuildReadModels } from '../../../src/reactors/readModels.js';
import { faxHistory, writeFaxHistory } from '../../support/faxHistory.js';
import { faxPurged, purgedFaxIds, purgedValues, purgeScenario } from '../../support/purgeScenario.js';
import { redactPersonal } from '../../support/redactPersonal.js';
import { makeTempDir } from '../../support/tempDir.js';

const logger = pino({ level: 'silent' });

/** Every row of a read store file, documents parsed (their key order is not what is compared). */
function rowsOf(dataDir: string) {
  const store = createSqliteReadStore({ path: join(dataDir, readStoreFileName) });
  try {
    const { documents, checkpoints } = store.dump();
    return { documents: documents.map((row) => ({ ...row, doc: JSON.parse(row.doc) as unknown })), checkpoints };
  } finally {
    store.close();
  }
}

describe('a rebuild after purges', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('folds the events the event store reads after the purge (personal fields empty) into the rows the live folds left', async () => {
    const dir = makeTempDir('purge-rebuild');
    cleanups.push(dir.remove);
    const live = join(dir.path, 'live');
    const rebuilt = join(dir.path, 'rebuilt');
    const eventsPath = join(dir.path, 'events.sqlite');
    const options = { faxes: 400, tenants: 3, years: 1, seed: 11 };
    writeFaxHistory(eventsPath, options);
    // A tenth of the history purged too: inbound and outbound, received, failed, rejected, with and without notifications.
    const purgedHistory = Array.from({ length: 40 }, (_, index) => faxHistory(index * 10, options).faxId);
    const purgedStreams = [...purgedFaxIds, ...purgedHistory].map((faxId) => `fax-${faxId}`);

    mkdirSync(live);
    mkdirSync(rebuilt);
    let eventStore = createSqliteEventStore({ path: eventsPath });
    for (const { stream, events } of purgeScenario('tenant-0001')) await eventStore.append(stream, events);
    // Live: the projections fold each fax's events, then its FaxPurged.
    const readModels = openReadModels({ dataDir: live, eventStore, logger });
    await readModels.runner.catchUp();
    for (const stream of purgedStreams) await eventStore.append(stream, [faxPurged(stream.slice('fax-'.length), 'tenant-0001')]);
    await readModels.runner.catchUp();
    await readModels.close();
    await eventStore.close();

    // What the event store reads once the faxes' keys are destroyed.
    const db = new Database(eventsPath);
    const update = db.prepare('UPDATE events SET data = ? WHERE id = ?');
    const rows = db.prepare<string[], { id: string; type: string; data: string }>(`SELECT id, type, data FROM events WHERE stream IN (${purgedStreams.map(() => '?').join(', ')})`).all(...purgedStreams);
    db.transaction(() => rows.forEach((row) => update.run(JSON.stringify(redactPersonal({ type: row.type, data: JSON.parse(row.data) as unknown }).data), row.id)))();
    db.close();

    eventStore = createSqliteEventStore({ path: eventsPath });
    cleanups.push(() => eventStore.close());
    await rebuildReadModels({ dataDir: rebuilt, eventStore, logger });

    const liveRows = rowsOf(live);
    const rebuiltRows = rowsOf(rebuilt);
    expect(rebuiltRows.checkpoints).toEqual(liveRows.checkpoints);
    expect(rebuiltRows.documents.length).toBe(liveRows.documents.length);
    expect(rebuiltRows.documents).toEqual(liveRows.documents);
    const text = JSON.stringify(liveRows.documents).toLowerCase();
    for (const value of purgedValues) expect(text.includes(value.toLowerCase()), value).toBe(false);
    expect(liveRows.documents.filter((row) => (row.doc as { purged?: boolean }).purged === true && row.collection === 'faxes')).toHaveLength(purgedStreams.length);
  });
});
