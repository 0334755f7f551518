// The purge runner's rate, used by records.ts (and runnable alone: npx tsx test/bench/purgeRate.ts [faxes], default 2,000).
// Received faxes (each with a document of its own, one in ten sharing another's) are asked to be
// purged at once; the runner (rate limit lifted) purges them through the real SQLite event store
// with crypto-shredding (each fax's key destroyed, its station keys too), the read models and the
// document store's files. Prints one JSON object: faxes, seconds, purgedPerSec.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { createFileEraser } from '../../src/adapters/documents/fileEraser.js';
import { openProtectedEventStore } from '../../src/adapters/eventStore/personalData/openProtectedEventStore.js';
import { documentRefKey, retentionCollections, retentionProjection } from '../../projections/retentionProjection.js';
import { faxStream } from '../../src/domain/streams.js';
import { startPurgeRunner } from '../../src/reactors/purgeRunner.js';
import { openReadModels } from '../../src/reactors/readModels.js';
import { testKeyRing } from '../support/personalDataFixtures.js';
import { makeTempDir } from '../support/tempDir.js';

export async function measurePurgeRate(faxes: number): Promise<{ faxes: number; seconds: number; purgedPerSec: number }> {
  const logger = pino({ level: 'warn' });
  const dir = makeTempDir('bench-purge');
  const documentsDir = join(dir.path, 'documents');
  const { eventStore, personalData } = await openProtectedEventStore(`sqlite:${join(dir.path, 'events.sqlite')}`, testKeyRing());
  const readModels = openReadModels({ dataDir: dir.path, eventStore, logger });
  try {
    const documentOf = (index: number) => createHash('sha256').update(`document ${index - (index % 10 === 9 ? 1 : 0)}`).digest('hex');
    for (let index = 0; index < faxes; index++) {
      const sha = documentOf(index);
      mkdirSync(join(documentsDir, sha.slice(0, 2)), { recursive: true });
      writeFileSync(join(documentsDir, sha.slice(0, 2), `${sha}.tif`), Buffer.alloc(40_000, index % 256));
      writeFileSync(join(documentsDir, sha.slice(0, 2), `${sha}.json`), '{}');
      const faxId = `bench-${index}`;
      const data = { faxId, tenantId: 't1' };
      await eventStore.append(faxStream(faxId), [
        { type: 'FaxCallOffered', data: { faxId, callUuid: `call-${faxId}`, direction: 'inbound', callerNumber: `555${String(index).padStart(7, '0')}`, toUser: '15551230000', sourceIp: '10.1.1.1', offeredAt: new Date().toISOString() } },
        { type: 'FaxCallAnswered', data: { ...data, recipient: '+15551230000' } },
        { type: 'FaxReceived', data: { ...data, pages: 1, documentId: `sha256-${sha}`, remoteIdent: `SENDER ${index}` } },
        { type: 'FaxCallEnded', data: { faxId, hangupCause: 'NORMAL_CLEARING', endedAt: new Date().toISOString() } },
        { type: 'FaxPurgeRequested', data: { ...data, reason: 'request', by: { kind: 'admin' }, requestedAt: new Date().toISOString() } },
      ]);
    }
    await readModels.runner.start();
    const page = (documentId: string) => readModels.runner.page(retentionProjection.name, retentionCollections.documentRefs, 10, documentRefKey(documentId, ''), `${documentId}|\uffff`);
    let purged = 0;
    const started = process.hrtime.bigint();
    const runner = startPurgeRunner({
      eventStore,
      shredder: personalData,
      files: createFileEraser({ documentsDir, pageImagesDir: join(documentsDir, 'page-images'), spoolDir: join(dir.path, 'spool') }),
      references: { waitFor: (position) => readModels.runner.waitFor(position, 60_000), usersOf: (documentId) => page(documentId).map((row) => (row.doc as { faxId: string }).faxId) },
      clock: { now: () => new Date() },
      logger,
      purgeRate: 1_000_000,
      onPurged: () => purged++,
    });
    const deadline = Date.now() + 600_000;
    while (purged < faxes && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await runner.stop();
    if (purged < faxes) throw new Error(`only ${purged} of ${faxes} faxes purged in time`);
    return { faxes, seconds: Math.round(seconds * 100) / 100, purgedPerSec: Math.round(faxes / seconds) };
  } finally {
    await readModels.close();
    await eventStore.close();
    dir.remove();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(JSON.stringify(await measurePurgeRate(Number(process.argv[2] ?? 2000))));
