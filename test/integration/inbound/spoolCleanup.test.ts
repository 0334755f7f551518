import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { sweepSpool } from '../../../src/runtime/sweepSpool.js';
import { waitFor } from '../eventStore/eventStoreConformance.js';
import { acceptedCall } from '../../support/faxFixtures.js';
import { startInboundHarness } from '../../support/inboundHarness.js';

const accept = (faxId: string, spoolDir: string) => acceptedCall(faxId, spoolDir);

describe('the spool holds a received TIFF only until its document is stored', () => {
  let harness: Awaited<ReturnType<typeof startInboundHarness>> | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('removes the spool file once the document is stored, for complete and partial faxes alike', async () => {
    harness = await startInboundHarness({
      screen: (_, faxId, spool) => accept(faxId, spool),
      scenario: { gateways: { carrier1: { ip: '10.0.0.1' } }, stations: { '5550001111': { pages: 2 }, '5550002222': { pages: 3, hangupAfterPages: 1 } } },
    });
    await harness.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;
    await harness.sim.startInboundCall({ from: '5550002222', to: '15551230000', gateway: 'carrier1' }).finished;
    await waitFor(() => harness!.faxIds.length === 2 && harness!.runtime.liveFaxIds().length === 0, 10_000);
    await waitFor(() => readdirSync(harness!.spoolDir).length === 0, 5_000).catch(() => undefined);
    expect(readdirSync(harness.spoolDir)).toEqual([]);

    const outcomes = await Promise.all(harness.faxIds.map(async (faxId) => (await harness!.eventsOf(faxId)).find((event) => event.type === 'FaxReceived' || event.type === 'FaxReceiveFailed')!));
    expect(outcomes.map((event) => event.type).sort()).toEqual(['FaxReceiveFailed', 'FaxReceived']);
    for (const outcome of outcomes) {
      const { documentId } = outcome.data as { documentId: string };
      expect(await harness.documents.get(documentId)).toBeDefined();
      expect((await harness.documents.read(documentId, 'image/tiff')).length).toBeGreaterThan(0);
    }
  });

  it('at start removes leftovers of faxes that ended with a stored document, and keeps every other file', async () => {
    harness = await startInboundHarness({
      screen: (_, faxId, spool) => accept(faxId, spool),
      scenario: { gateways: { carrier1: { ip: '10.0.0.1' } }, stations: { '5550001111': { pages: 2 } } },
    });
    await harness.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;
    await waitFor(() => harness!.faxIds.length === 1 && harness!.runtime.liveFaxIds().length === 0, 10_000);
    const [stored] = harness.faxIds as [string];
    const events = harness.eventStore;
    const call = { callUuid: 'c', tenantId: 't1' };
    // Still open (a restart's reconciliation reads its file), and ended without a kept document.
    await events.append('fax-open', [{ type: 'FaxCallOffered', data: {} }, { type: 'FaxCallAnswered', data: call }], 'no_stream');
    await events.append(
      'fax-lost',
      [
        { type: 'FaxCallOffered', data: {} },
        { type: 'FaxReceiveFailed', data: { ...call, reasonClass: 'storage_failed', pagesReceived: 2 } },
        { type: 'FaxCallEnded', data: call },
      ],
      'no_stream',
    );
    // Interrupted: FreeSWITCH may have written more pages after the partial document was kept.
    await events.append(
      'fax-cut',
      [
        { type: 'FaxCallOffered', data: {} },
        { type: 'FaxReceiveInterrupted', data: { ...call, reason: 'connection_lost', pagesReceived: 1, documentId: 'sha256-partial' } },
        { type: 'FaxCallEnded', data: call },
      ],
      'no_stream',
    );
    for (const name of [`${stored}.tif`, 'open.tif', 'lost.tif', 'cut.tif', 'unknown.tif', 'notes.txt']) writeFileSync(join(harness.spoolDir, name), 'II*\0');

    expect(await sweepSpool({ spoolDir: harness.spoolDir, eventStore: events, logger: pino({ level: 'silent' }) })).toBe(1);
    expect(readdirSync(harness.spoolDir).sort()).toEqual(['cut.tif', 'lost.tif', 'notes.txt', 'open.tif', 'unknown.tif']);
  });
});
