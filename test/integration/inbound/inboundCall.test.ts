import { afterEach, describe, expect, it } from 'vitest';
import { countPdfPages } from '../../../src/adapters/documents/tiffTools.js';
import { waitFor } from '../eventStore/eventStoreConformance.js';
import { acceptedCall } from '../../support/faxFixtures.js';
import { startInboundHarness } from '../../support/inboundHarness.js';

const accept = (faxId: string, spoolDir: string) => acceptedCall(faxId, spoolDir, { t38Enabled: true, stationIdent: 'ACME FAX' });

describe('receiving a fax through the outbound socket (simulator over TCP)', () => {
  let harness: Awaited<ReturnType<typeof startInboundHarness>> | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('answers, receives a clean 3-page fax, stores the document and records every event in order', async () => {
    harness = await startInboundHarness({
      screen: (_, faxId, spool) => accept(faxId, spool),
      scenario: { gateways: { carrier1: { ip: '10.0.0.1' } }, stations: { '5550001111': { pages: 3, ident: 'REMOTE FAX' } } },
    });
    const call = harness.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' });
    await call.finished;
    await waitFor(() => harness!.faxIds.length === 1 && harness!.runtime.liveFaxIds().length === 0, 10_000);

    const events = await harness.eventsOf(harness.faxIds[0]!);
    expect(events.map((event) => event.type)).toEqual([
      'FaxCallOffered',
      'FaxCallAnswered',
      'FaxNegotiated',
      'FaxPageTransferred',
      'FaxPageTransferred',
      'FaxPageTransferred',
      'FaxReceived',
      'FaxRouted',
      'FaxCallEnded',
    ]);
    const offered = events[0]!.data as Record<string, unknown>;
    expect(offered).toMatchObject({ callUuid: call.uuid, callerNumber: '5550001111', toUser: '15551230000', sourceIp: '10.0.0.1' });
    const received = events.find((event) => event.type === 'FaxReceived')!.data as { pages: number; documentId: string; remoteIdent: string };
    expect(received).toMatchObject({ pages: 3, resultCode: 0, remoteIdent: 'REMOTE FAX' });
    expect(await harness.documents.get(received.documentId)).toMatchObject({ pages: 3 });
    expect(await harness.documents.withPlainFile(received.documentId, 'application/pdf', countPdfPages)).toBe(3);
    expect(events.every((event) => event.metadata.correlationId === harness!.faxIds[0])).toBe(true);
    expect(events.at(-1)!.metadata.tenantId).toBe('t1');

    const log = harness.sim.commandLog(call.uuid).map((entry) => entry.command);
    expect(log.slice(0, 4)).toEqual(['connect', 'event json BACKGROUND_JOB CHANNEL_EXECUTE_COMPLETE', 'linger', `filter Unique-ID ${call.uuid}`]);
  });

  it('rejects with 404 without answering when screening says so', async () => {
    harness = await startInboundHarness({
      screen: () => ({ kind: 'reject', sipCode: 404, reason: 'unknown_number', detail: 'nobody has 15559999999' }),
      scenario: { gateways: { carrier1: { ip: '10.0.0.1' } } },
    });
    const call = harness.sim.startInboundCall({ from: '5550001111', to: '15559999999', gateway: 'carrier1' });
    const summary = await call.finished;
    await waitFor(() => harness!.faxIds.length === 1 && harness!.runtime.liveFaxIds().length === 0, 10_000);
    const events = await harness.eventsOf(harness.faxIds[0]!);
    expect(events.map((event) => event.type)).toEqual(['FaxCallOffered', 'FaxCallRejected']);
    const apps = harness.sim.commandLog(call.uuid).map((entry) => entry.headers['execute-app-name']).filter(Boolean);
    expect(apps).toEqual(['respond']);
    expect(summary.answerState).not.toBe('answered');
  });
});
