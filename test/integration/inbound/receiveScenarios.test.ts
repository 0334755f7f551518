import { afterEach, describe, expect, it } from 'vitest';
import type { CallOffer } from '../../../src/domain/fax/inboundFaxEvents.js';
import { screenInboundCall, type AcceptedCall } from '../../../src/domain/fax/inboundScreening.js';
import type { StationKnowledge } from '../../../src/reactors/stationLearning.js';
import { waitFor } from '../eventStore/eventStoreConformance.js';
import { startInboundHarness } from '../../support/inboundHarness.js';

/** Carrier calls get T.38 (enabled and requested) unless the station is known to need audio. */
function carrierScreen(offer: CallOffer, faxId: string, spoolDir: string, stations: StationKnowledge): AcceptedCall {
  const audio = stations.needsAudio(`+1${offer.callerNumber}`);
  return {
    kind: 'accept',
    tenantId: 't1',
    recipient: '+15551230000',
    sourceGateway: 'carrier1',
    t38Enabled: !audio,
    t38Requested: !audio,
    t38Policy: audio ? 'fallback' : 'carrier',
    ringDelayMs: 0,
    silenceMs: 0,
    spoolPath: `${spoolDir}/${faxId}.tif`,
  };
}

describe('receive scenarios against the simulator', () => {
  let harness: Awaited<ReturnType<typeof startInboundHarness>> | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  async function receive(from: string, count = 1) {
    const before = harness!.faxIds.length;
    await harness!.sim.startInboundCall({ from, to: '15551230000', gateway: 'carrier1' }).finished;
    await waitFor(() => harness!.faxIds.length === before + count && harness!.runtime.liveFaxIds().length === 0, 10_000);
    const events = await harness!.eventsOf(harness!.faxIds.at(-1)!);
    return { events, data: (type: string) => events.find((event) => event.type === type)?.data as Record<string, unknown> };
  }

  it('records T.38 negotiated when the carrier accepts our re-INVITE', async () => {
    harness = await startInboundHarness({ screen: carrierScreen, scenario: { gateways: { carrier1: { ip: '10.0.0.1' } }, stations: { '5550002222': { t38: 'accept' } } } });
    const { data } = await receive('5550002222');
    expect(data('FaxCallAnswered')).toMatchObject({ t38Enabled: true, t38Requested: true });
    expect(data('FaxReceived')).toMatchObject({ t38Status: 'negotiated' });
  });

  it('continues over audio when the far end refuses T.38 with 488', async () => {
    harness = await startInboundHarness({ screen: carrierScreen, scenario: { gateways: { carrier1: { ip: '10.0.0.1' } }, stations: { '5550003333': { t38: 'refuse' } } } });
    const { data } = await receive('5550003333');
    expect(data('FaxReceived')).toMatchObject({ t38Status: 'refused', resultCode: 0 });
  });

  it('keeps the pages of a fax whose caller hangs up mid-way, as partial', async () => {
    harness = await startInboundHarness({
      screen: carrierScreen,
      scenario: { gateways: { carrier1: { ip: '10.0.0.1' } }, stations: { '5550004444': { pages: 3, hangupAfterPages: 1 } } },
    });
    const { events, data } = await receive('5550004444');
    const failed = data('FaxReceiveFailed');
    expect(failed).toMatchObject({ resultCode: 49, reasonClass: 'call_dropped', pagesReceived: 1, partial: true });
    expect(await harness.documents.get(failed.documentId as string)).toMatchObject({ pages: 1 });
    expect(events.at(-1)!.type).toBe('FaxCallEnded');
  });

  it('switches a station to audio after two T.38 training failures: the third call has T.38 off', async () => {
    harness = await startInboundHarness({
      screen: carrierScreen,
      scenario: { gateways: { carrier1: { ip: '10.0.0.1' } }, stations: { '5550005555': { failure: { code: 48, negotiations: 2 } } } },
    });
    for (let attempt = 0; attempt < 2; attempt++) {
      const { data } = await receive('5550005555');
      expect(data('FaxReceiveFailed')).toMatchObject({ resultCode: 48 });
      expect(data('FaxReceiveFailed').negotiations).toBeGreaterThan(1);
    }
    await waitFor(() => harness!.stations.needsAudio('+15550005555'));
    harness.sim.setStation('5550005555', {});
    const third = await receive('5550005555');
    expect(third.data('FaxCallAnswered')).toMatchObject({ t38Enabled: false, t38Requested: false });
    expect(third.data('FaxReceived')).toMatchObject({ t38Status: 'off' });
    // The clean audio fax counts towards trying T.38 again.
    await waitFor(() => harness!.stations.state('+15550005555')?.cleanAudioFaxes === 1);
    const lessons = (await harness.eventStore.readStream('station-+15550005555')).map((event) => event.type);
    expect(lessons).toEqual(['StationT38Trouble', 'StationT38Trouble', 'StationFallbackEnabled', 'StationCleanAudioFax']);
  });

  it('ends the fax as interrupted, keeping its pages and routing them as partial, when the socket drops mid-fax', async () => {
    harness = await startInboundHarness({
      screen: carrierScreen,
      scenario: { gateways: { carrier1: { ip: '10.0.0.1' } }, stations: { '5550006666': { pages: 3 } } },
      timeScale: 0.05,
    });
    harness.sim.startInboundCall({ from: '5550006666', to: '15551230000', gateway: 'carrier1' });
    await waitFor(() => harness!.faxIds.length === 1);
    const faxId = harness.faxIds[0]!;
    await waitForEvent(faxId, 'FaxPageTransferred');
    harness.sim.killConnections();
    await waitFor(() => harness!.runtime.liveFaxIds().length === 0, 10_000);
    const events = await harness.eventsOf(faxId);
    const interrupted = events.find((event) => event.type === 'FaxReceiveInterrupted')?.data as Record<string, unknown>;
    expect(interrupted).toMatchObject({ reason: 'connection_lost' });
    expect(interrupted.pagesReceived).toBeGreaterThanOrEqual(1);
    // The pages that arrived go where the fax's number delivers, marked partial, like a failed receive's.
    expect(events.map((event) => event.type).slice(-3)).toEqual(['FaxReceiveInterrupted', 'FaxRouted', 'FaxCallEnded']);
    expect(events.find((event) => event.type === 'FaxRouted')?.data).toMatchObject({ documentId: interrupted.documentId, partial: true });
    expect(events.at(-1)).toMatchObject({ type: 'FaxCallEnded', data: { hangupCause: 'CONNECTION_LOST' } });
  });

  it('refuses a call from an unknown source with 403 (no digest challenge), never answering it', async () => {
    harness = await startInboundHarness({
      // The real screening, knowing only carrier1's address: the rogue gateway's calls are unknown sources.
      screen: (offer, faxId, spoolDir) =>
        screenInboundCall(
          offer,
          {
            sourceGateway: (ip) => (ip === '10.0.0.1' ? { gateway: 'carrier1', role: 'upstream' } : undefined),
            route: (e164) => (e164 === '+15551230000' ? { tenantId: 't1', stationIdent: null, pageHeader: null } : undefined),
            toE164: (raw) => `+${raw}`,
            stationNeedsAudio: () => false,
            canSendOut: () => true,
          },
          { recipientFrom: 'to', ringDelayMs: 0, silenceMs: 0, t38: { upstream: { enabled: true, request: true }, pbx: { enabled: false, request: false } }, spoolDir },
          faxId,
        ),
      scenario: { gateways: { carrier1: { ip: '10.0.0.1' }, rogue: { ip: '198.51.100.7' } } },
    });
    const call = harness.sim.startInboundCall({ from: '5550007777', to: '15551230000', gateway: 'rogue' });
    const ended = await call.finished;
    await waitFor(() => harness!.faxIds.length === 1 && harness!.runtime.liveFaxIds().length === 0, 10_000);
    const apps = harness.sim.commandLog(call.uuid).map((entry) => [entry.headers['execute-app-name'], entry.headers['execute-app-arg']]).filter(([app]) => app);
    expect(apps).toEqual([['respond', '403']]);
    // sofia maps a 403 to CALL_REJECTED; the call never reached an answer.
    expect(ended).toMatchObject({ hangupCause: 'CALL_REJECTED' });
    expect(ended.answerState).not.toBe('answered');
    const events = await harness.eventsOf(harness.faxIds[0]!);
    expect(events.find((event) => event.type === 'FaxCallRejected')?.data).toMatchObject({ sipCode: 403, reason: 'unknown_source' });
  });

  it('the socket drops mid-fax: FreeSWITCH finishes the fax, and it is received with all its pages from its record', async () => {
    harness = await startInboundHarness({
      screen: carrierScreen,
      scenario: { gateways: { carrier1: { ip: '10.0.0.1' } }, stations: { '5550007777': { pages: 3 } } },
      timeScale: 0.05,
      callControl: true,
    });
    const call = harness.sim.startInboundCall({ from: '5550007777', to: '15551230000', gateway: 'carrier1' });
    await waitFor(() => harness!.faxIds.length === 1);
    const faxId = harness.faxIds[0]!;
    await waitForEvent(faxId, 'FaxPageTransferred');
    harness.sim.killConnections();
    expect((await call.finished).variables.fax_success).toBe('1');
    await waitFor(() => harness!.runtime.liveFaxIds().length === 0, 20_000);
    const events = await harness.eventsOf(faxId);
    expect(events.map((event) => event.type)).not.toContain('FaxReceiveInterrupted');
    expect(events.find((event) => event.type === 'FaxReceived')?.data).toMatchObject({ pages: 3, documentId: expect.stringMatching(/^sha256-/) });
    expect(events.at(-1)).toMatchObject({ type: 'FaxCallEnded', data: { hangupCause: 'NORMAL_CLEARING' } });
  }, 40_000);

  async function waitForEvent(faxId: string, type: string) {
    const deadline = Date.now() + 10_000;
    while (!(await harness!.eventsOf(faxId)).some((event) => event.type === type)) {
      if (Date.now() > deadline) throw new Error(`no ${type} in time`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
});

describe('bridge mode against the simulator', () => {
  it('bridges a carrier call live to the PBX gateway with t38_gateway on image, recording FaxBridged', async () => {
    const harness = await startInboundHarness({
      screen: () => ({
        kind: 'bridge',
        tenantId: 't1',
        recipient: '+15551230000',
        sourceGateway: 'carrier1',
        bridgeGateway: 'pbx-acme',
        t38Enabled: true,
        t38Requested: false,
        t38Policy: 'carrier',
      }),
      scenario: { gateways: { carrier1: { ip: '10.0.0.1' }, 'pbx-acme': { ip: '10.0.0.9' } } },
    });
    try {
      const call = harness.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' });
      await call.finished;
      await waitFor(() => harness.faxIds.length === 1 && harness.runtime.liveFaxIds().length === 0, 10_000);
      const apps = harness.sim.commandLog(call.uuid).map((entry) => [entry.headers['execute-app-name'], entry.headers['execute-app-arg']]).filter(([app]) => app);
      expect(apps).toEqual([
        ['set', 'fax_enable_t38=true'],
        ['set', 'fax_enable_t38_request=false'],
        ['set', 'sip_execute_on_image=t38_gateway self nocng'],
        ['bridge', 'sofia/gateway/pbx-acme/+15551230000'],
        ['hangup', undefined],
      ]);
      const events = await harness.eventsOf(harness.faxIds[0]!);
      expect(events.map((event) => event.type)).toEqual(['FaxCallOffered', 'FaxBridged', 'FaxCallEnded']);
      expect(events[1]!.data).toMatchObject({ gateway: 'pbx-acme', success: true, hangupCause: 'NORMAL_CLEARING' });
    } finally {
      await harness.close();
    }
  });
});
