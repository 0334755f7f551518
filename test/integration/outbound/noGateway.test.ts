import { afterEach, describe, expect, it } from 'vitest';
import { startOutboundHarness } from '../../support/outboundHarness.js';

type Harness = Awaited<ReturnType<typeof startOutboundHarness>>;

describe('a fax that has no gateway at dial time', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('fails at once for that reason, not as FREESWITCH_UNREACHABLE, and dials nothing', async () => {
    harness = await startOutboundHarness({ scenario: { gateways: { gw1: {} } }, gateways: [], policy: { maxAttempts: 3 } });
    const faxId = await harness.queue({ to: '+15557654321' });
    const events = await harness.finished(faxId);
    const failed = events.at(-1)!;
    expect(failed.type).toBe('FaxFailed');
    expect(failed.data).toMatchObject({ attempts: 1, reason: 'failed after 1 attempt: no upstream gateway to send through (NO_GATEWAY)' });
    expect(JSON.stringify(events)).not.toContain('FREESWITCH_UNREACHABLE');
    expect(events.find((event) => event.type === 'FaxSendAttemptFailed')!.data).toMatchObject({ outcomeClass: 'noGateway' });
    expect(harness.originates()).toEqual([]);
  });
});
