import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../eventStore/eventStoreConformance.js';
import { acceptedCall } from '../../support/faxFixtures.js';
import { startInboundHarness } from '../../support/inboundHarness.js';

const accept = (faxId: string, spoolDir: string) => acceptedCall(faxId, spoolDir);

describe('a silent caller (simulator over TCP)', () => {
  let harness: Awaited<ReturnType<typeof startInboundHarness>> | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('is hung up once no fax tones came within fax.noFaxToneTimeoutMs, and the fax ends no_fax_detected', async () => {
    // The caller would stay 600 simulated seconds (30 s here); rxfax alone never gives up on it.
    harness = await startInboundHarness({
      screen: (_, faxId, spool) => accept(faxId, spool),
      scenario: { gateways: { carrier1: { ip: '10.0.0.1' } }, stations: { '5550001111': { line: 'silent', hangupAfterSeconds: 600 } } },
      timeScale: 0.05,
      noFaxToneTimeoutMs: 1000,
    });
    const call = harness.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' });
    const summary = await call.finished;
    await waitFor(() => harness!.faxIds.length === 1 && harness!.runtime.liveFaxIds().length === 0, 10_000);

    // faxengine ended it (uuid_kill on the call's socket), not the caller.
    expect(harness.sim.commandLog(call.uuid).map((entry) => entry.command)).toContain(`api uuid_kill ${call.uuid} NORMAL_CLEARING`);
    expect(summary.answerState).toBe('hangup');
    const events = await harness.eventsOf(harness.faxIds[0]!);
    expect(events.map((event) => event.type)).toEqual(['FaxCallOffered', 'FaxCallAnswered', 'FaxReceiveFailed', 'FaxCallEnded']);
    expect(events[2]!.data).toMatchObject({ reasonClass: 'no_fax_detected', resultText: 'no fax tones within 1 s of answering: hung up', pagesReceived: 0, negotiations: 0 });
  });
});
