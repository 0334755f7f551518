import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createFileEraser } from '../../../src/adapters/documents/fileEraser.js';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { faxStream } from '../../../src/domain/streams.js';
import { removePurgedSpoolFiles } from '../../../src/reactors/purgedSpoolFiles.js';
import { makeTempDir } from '../../support/tempDir.js';

const dir = makeTempDir('purged-spool');
const eventStore = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
afterAll(async () => {
  await eventStore.close();
  dir.remove();
});

it("removes an instance's spool files of faxes purged (by whichever instance), and only those", async () => {
  const spoolDir = join(dir.path, 'spool');
  mkdirSync(spoolDir);
  for (const faxId of ['purged', 'asked', 'kept']) {
    writeFileSync(join(spoolDir, `${faxId}.tif`), 'pages');
    const events = [{ type: 'FaxCallOffered', data: { faxId } }, { type: 'FaxCallEnded', data: { faxId } }];
    if (faxId !== 'kept') events.push({ type: 'FaxPurgeRequested', data: { faxId } });
    if (faxId === 'purged') events.push({ type: 'FaxPurged', data: { faxId } });
    await eventStore.append(faxStream(faxId), events);
  }
  const files = createFileEraser({ documentsDir: join(dir.path, 'documents'), pageImagesDir: join(dir.path, 'page-images'), spoolDir });
  expect(await removePurgedSpoolFiles({ spoolDir, eventStore, files })).toBe(1);
  expect(['purged', 'asked', 'kept'].map((faxId) => existsSync(join(spoolDir, `${faxId}.tif`)))).toEqual([false, true, true]);
});
