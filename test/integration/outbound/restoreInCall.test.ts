import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createFaxDialerPool } from '../../../src/adapters/esl/faxDialerPool.js';
import { defaultSendPolicy } from '../../../src/domain/outbound/sendPolicy.js';
import { systemClock } from '../../../src/ports/clock.js';
import type { FaxDialer } from '../../../src/ports/faxDialer.js';
import { createChannelScheduler } from '../../../src/runtime/channelScheduler.js';
import { createOutboundFaxRuntime, type OutboundFaxRuntime } from '../../../src/runtime/outboundFaxRuntime.js';
import { startOutboundHarness } from '../../support/outboundHarness.js';

type Harness = Awaited<ReturnType<typeof startOutboundHarness>>;

/**
 * faxengine restarted while a fax is in its call: the first runtime stops (its actors with it, as
 * a dead process's would), a second one restores the fax by folding its stream and follows the
 * call, which the simulator kept up, to its end.
 */
describe('an outbound fax restored in the middle of its call', () => {
  let harness: Harness | undefined;
  let second: { runtime: OutboundFaxRuntime; dialer: FaxDialer } | undefined;
  afterEach(async () => {
    await second?.runtime.stop();
    await second?.dialer.close();
    await harness?.close();
    harness = second = undefined;
  });

  async function restart(h: Harness, faxId: string): Promise<void> {
    await h.runtime.stop();
    await h.dialer.close();
    const logger = pino({ level: 'silent' });
    const dialer = createFaxDialerPool({ ...h.sim.eslAddress, password: 'ClueCon', logger, size: 1 });
    const runtime = createOutboundFaxRuntime({
      eventStore: h.eventStore,
      dialer,
      scheduler: createChannelScheduler({ maxChannels: 10 }),
      documentFile: (documentId) => h.documents.openPlainFile(documentId, 'image/tiff'),
      gatewaysFor: () => ['gw1'],
      policyFor: () => defaultSendPolicy,
      transportFor: () => ({ ecm: true, v17: true, t38: true }),
      t38RequestFor: () => true,
      unfinishedFaxIds: () => [faxId],
      useModDbOverrides: true,
      clock: systemClock,
      logger,
    });
    second = { runtime, dialer };
    await dialer.ready();
    await runtime.start();
  }

  it('ends FaxSent with the rate, T.38 status, ECM and remote ident negotiated before the restart', async () => {
    harness = await startOutboundHarness({
      scenario: { gateways: { gw1: {} }, stations: { '+15550000020': { t38: 'accept', rate: 9600, ident: 'REMOTE FAX 20', ringSeconds: 0 } } },
      timeScale: 0.05,
    });
    const faxId = await harness.queue({ to: '+15550000020' }, 4);
    const deadline = Date.now() + 15_000;
    // Every negotiation is over once the first page went through.
    while (!(await harness.types(faxId)).includes('FaxPageTransferred')) {
      if (Date.now() > deadline) throw new Error(`no page in time: ${(await harness.types(faxId)).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const negotiated = (await harness.history(faxId)).filter((event) => event.type === 'FaxNegotiated').at(-1)!.data;
    expect(negotiated).toMatchObject({ transferRate: 9600, t38Status: 'negotiated', remoteIdent: 'REMOTE FAX 20' });

    await restart(harness, faxId);
    const events = await harness.finished(faxId, 30_000);
    // The call was followed, not lost: one originate, no interruption.
    expect(events.map((event) => event.type)).not.toContain('FaxSendAttemptInterrupted');
    expect(harness.originates()).toHaveLength(1);
    // Every negotiation counts, those before the restart included (one for a T.38 call, as captured).
    const negotiations = events.filter((event) => event.type === 'FaxNegotiated').length;
    expect(negotiations).toBeGreaterThanOrEqual(1);
    expect(events.at(-1)).toMatchObject({
      type: 'FaxSent',
      data: { pages: 4, transferRate: 9600, t38Status: 'negotiated', t38Enabled: true, ecmUsed: true, remoteIdent: 'REMOTE FAX 20', negotiations },
    });
  });
});
