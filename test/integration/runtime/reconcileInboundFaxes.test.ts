import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileDocumentStore } from '../../../src/adapters/documents/fileDocumentStore.js';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { createInboundEslClient } from '../../../src/adapters/esl/inboundEslClient.js';
import { systemClock } from '../../../src/ports/clock.js';
import { reconcileInboundFaxes } from '../../../src/runtime/reconcileInboundFaxes.js';
import { createSimulator } from '../../../src/sim/simulator.js';
import { makeFaxTiff } from '../../support/faxFixtures.js';
import { makeTempDir } from '../../support/tempDir.js';

describe('reconciling faxes left open by a previous process', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('closes an open fax once, keeps its spool pages, and leaves it alone on a second run', async () => {
    const dir = makeTempDir('reconcile');
    cleanups.push(dir.remove);
    const eventStore = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    cleanups.push(() => eventStore.close());
    const sim = await createSimulator({ listen: { host: '127.0.0.1', port: 0 } });
    cleanups.push(() => sim.close());
    const callControl = createInboundEslClient({ ...sim.eslAddress, password: 'ClueCon', logger: pino({ level: 'silent' }) });
    cleanups.push(() => callControl.close());
    await callControl.ready();

    await eventStore.append('fax-f1', [
      { type: 'FaxCallOffered', data: { faxId: 'f1', callUuid: 'gone-call' } },
      { type: 'FaxPageTransferred', data: { faxId: 'f1', page: 1 } },
    ]);
    const spoolPath = join(dir.path, 'f1.tif');
    await makeFaxTiff(spoolPath, 1);
    const deps = {
      open: [{ faxId: 'f1', callUuid: 'gone-call', tenantId: 't1', pages: 1, spoolPath }],
      eventStore,
      callControl,
      documents: createFileDocumentStore(join(dir.path, 'documents')),
      clock: systemClock,
      logger: pino({ level: 'silent' }),
    };
    expect(await reconcileInboundFaxes(deps)).toBe(1);
    expect(await reconcileInboundFaxes(deps)).toBe(0);

    const types = (await eventStore.readStream('fax-f1')).map((event) => event.type);
    expect(types).toEqual(['FaxCallOffered', 'FaxPageTransferred', 'FaxReceiveInterrupted', 'FaxCallEnded']);
    const interrupted = (await eventStore.readStream('fax-f1'))[2]!.data as { documentId?: string; reason: string };
    expect(interrupted.reason).toBe('restart');
    expect(interrupted.documentId).toMatch(/^sha256-/);
  });
});
