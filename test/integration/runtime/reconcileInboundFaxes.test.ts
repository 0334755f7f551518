import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileDocumentStore } from '../../../src/adapters/documents/fileDocumentStore.js';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { deleteOutcomeRecord, readOutcomeRecord } from '../../../src/adapters/esl/faxOutcomeRecord.js';
import { createInboundEslClient } from '../../../src/adapters/esl/inboundEslClient.js';
import type { DeliveryRequest, FaxRoutedData } from '../../../src/domain/fax/deliveryPlan.js';
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

  /** A data dir, its SQLite event store, and a simulator (FreeSWITCH) asked over real ESL; `deps` all but the open faxes. */
  async function setUp(name: string) {
    const dir = makeTempDir(name);
    cleanups.push(dir.remove);
    const eventStore = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    cleanups.push(() => eventStore.close());
    const sim = await createSimulator({ listen: { host: '127.0.0.1', port: 0 } });
    cleanups.push(() => sim.close());
    const callControl = createInboundEslClient({ ...sim.eslAddress, password: 'ClueCon', logger: pino({ level: 'silent' }) });
    cleanups.push(() => callControl.close());
    await callControl.ready();
    const deps = {
      eventStore,
      callControl,
      documents: createFileDocumentStore(join(dir.path, 'documents')),
      planDelivery: (fax: DeliveryRequest): FaxRoutedData => ({ ...fax, endpointScope: 'none', deliveries: [], notifyEmails: [] }),
      recordedOutcome: (callUuid: string) => readOutcomeRecord((command) => callControl.api(command), callUuid),
      forgetOutcome: (callUuid: string) => deleteOutcomeRecord((command) => callControl.api(command), callUuid),
      clock: systemClock,
      logger: pino({ level: 'silent' }),
    };
    return { dir, eventStore, sim, deps };
  }

  it('closes an open fax once, keeps its spool pages, and leaves it alone on a second run', async () => {
    const { dir, eventStore, deps: world } = await setUp('reconcile');

    await eventStore.append('fax-f1', [
      { type: 'FaxCallOffered', data: { faxId: 'f1', callUuid: 'gone-call' } },
      { type: 'FaxPageTransferred', data: { faxId: 'f1', page: 1 } },
    ]);
    const spoolPath = join(dir.path, 'f1.tif');
    await makeFaxTiff(spoolPath, 1);
    const deps = {
      open: [{ faxId: 'f1', callUuid: 'gone-call', tenantId: 't1', pages: 1, spoolPath }],
      ...world,
    };
    expect(await reconcileInboundFaxes(deps)).toBe(1);
    expect(await reconcileInboundFaxes(deps)).toBe(0);

    const types = (await eventStore.readStream('fax-f1')).map((event) => event.type);
    expect(types).toEqual(['FaxCallOffered', 'FaxPageTransferred', 'FaxReceiveInterrupted', 'FaxCallEnded']);
    const interrupted = (await eventStore.readStream('fax-f1'))[2]!.data as { documentId?: string; reason: string };
    expect(interrupted.reason).toBe('restart');
    expect(interrupted.documentId).toMatch(/^sha256-/);
  });

  it("trusts the spool file over the page count stored before the crash, and FreeSWITCH's record for the result", async () => {
    const { dir, eventStore, sim, deps: world } = await setUp('reconcile-record');

    const answered = { faxId: 'f2', callUuid: 'done-call', tenantId: 't1', recipient: '+15551230000', sourceGateway: 'gw1', t38Enabled: false, t38Requested: false, t38Policy: 'off', answeredAt: new Date().toISOString() };
    await eventStore.append('fax-f2', [
      { type: 'FaxCallOffered', data: { faxId: 'f2', callUuid: 'done-call' } },
      { type: 'FaxCallAnswered', data: answered },
    ]);
    // faxengine died before any page event; rxfax went on and wrote all three pages, and succeeded.
    const spoolPath = join(dir.path, 'f2.tif');
    await makeFaxTiff(spoolPath, 3);
    sim.context.db.api('insert/faxengine_outcome/done-call/v1:1:0:3:NORMAL_CLEARING:1796543327:9600:on:off');
    const closed = await reconcileInboundFaxes({
      open: [{ faxId: 'f2', callUuid: 'done-call', tenantId: 't1', pages: 0, spoolPath }],
      ...world,
    });
    expect(closed).toBe(1);
    const history = await eventStore.readStream('fax-f2');
    expect(history.map((event) => event.type)).toEqual(['FaxCallOffered', 'FaxCallAnswered', 'FaxReceived', 'FaxRouted', 'FaxCallEnded']);
    expect(history[2]!.data).toMatchObject({ pages: 3, resultCode: 0, documentId: expect.stringMatching(/^sha256-/) });
    expect(history[3]!.data).toMatchObject({ partial: false, recipient: '+15551230000', documentId: (history[2]!.data as { documentId: string }).documentId });
    expect(history[4]!.data).toMatchObject({ hangupCause: 'NORMAL_CLEARING' });
    expect(sim.context.db.api('exists/faxengine_outcome/done-call')).toBe('false');
  });

  it('routes a fax whose answer was never stored by screening its offer again', async () => {
    const { dir, eventStore, sim, deps: world } = await setUp('reconcile-rescreen');

    // The process died between the answer and FaxCallAnswered: only the offer is stored.
    const offer = { callUuid: 'unanswered-call', callerNumber: '+15559870000', toUser: '15551239999', gatewayName: 'carrier' };
    await eventStore.append('fax-f3', [{ type: 'FaxCallOffered', data: { ...offer, faxId: 'f3', direction: 'inbound', offeredAt: new Date().toISOString() } }]);
    const spoolPath = join(dir.path, 'f3.tif');
    await makeFaxTiff(spoolPath, 2);
    sim.context.db.api('insert/faxengine_outcome/unanswered-call/v1:1:0:2:NORMAL_CLEARING:1796543327:9600:on:off');
    const screened: unknown[] = [];
    const closed = await reconcileInboundFaxes({
      open: [{ faxId: 'f3', callUuid: 'unanswered-call', tenantId: null, pages: 0, spoolPath }],
      ...world,
      screen: (screenedOffer, faxId) => {
        screened.push({ screenedOffer, faxId });
        return { kind: 'accept', tenantId: 't9', recipient: '+15551239999', sourceGateway: 'carrier', t38Enabled: true, t38Requested: false, t38Policy: 'on', ringDelayMs: 0, silenceMs: 0, spoolPath };
      },
    });
    expect(closed).toBe(1);
    expect(screened).toEqual([{ screenedOffer: offer, faxId: 'f3' }]);
    const history = await eventStore.readStream('fax-f3');
    expect(history.map((event) => event.type)).toEqual(['FaxCallOffered', 'FaxReceived', 'FaxRouted', 'FaxCallEnded']);
    expect(history[1]!.data).toMatchObject({ tenantId: 't9', pages: 2 });
    expect(history[2]!.data).toMatchObject({ tenantId: 't9', recipient: '+15551239999', partial: false });
  });
});
