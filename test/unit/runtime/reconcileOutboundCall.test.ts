import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { OutboundFaxSignal } from '../../../machines/outboundFax.js';
import type { EslSignal } from '../../../src/domain/fax/faxSignals.js';
import type { RecordedCallOutcome } from '../../../src/domain/fax/recordedCallOutcome.js';
import type { FaxDialer } from '../../../src/ports/faxDialer.js';
import { createCallReconciler } from '../../../src/runtime/reconcileOutboundCall.js';

const at = '2026-12-07T01:00:00.000Z';
const sent: RecordedCallOutcome = { hangupCause: 'NORMAL_CLEARING', answered: true, answeredAt: at, fax: { success: true, code: 0, pages: 2, transferRate: 14400, ecm: true, t38Status: 'off' } };

/** FreeSWITCH as the reconciler asks it after a restart: the call still up and answered, its events from `follow`. */
function answeredCall(record: () => RecordedCallOutcome | undefined) {
  let onEvent: ((event: EslSignal) => void) | undefined;
  const dialer = {
    ready: async () => {},
    follow: async (_callUuid: string, handler: (event: EslSignal) => void) => {
      onEvent = handler;
    },
    callExists: async () => true,
    isAnswered: async () => true,
    recordedOutcome: async () => record(),
    release: () => {},
  } as unknown as FaxDialer;
  return { dialer, emit: (event: EslSignal) => onEvent!(event) };
}

async function reconciled(record: () => RecordedCallOutcome | undefined, events: EslSignal[]): Promise<OutboundFaxSignal[]> {
  const { dialer, emit } = answeredCall(record);
  const signals: OutboundFaxSignal[] = [];
  const reconcile = createCallReconciler({ dialer, signal: (_faxId, event) => signals.push(event), now: () => at, logger: pino({ level: 'silent' }), recordWaitMs: 300 });
  await reconcile('f1', 'call-1');
  for (const event of events) emit(event);
  await new Promise((resolve) => setTimeout(resolve, 500));
  return signals;
}

describe('following a call again after a restart', () => {
  it("completes a hang-up whose fax result came while nobody listened from FreeSWITCH's record: the fax counts as sent, not as an unknown failure", async () => {
    let hungUp = false;
    const { dialer, emit } = answeredCall(() => (hungUp ? sent : undefined));
    const seen: OutboundFaxSignal[] = [];
    await createCallReconciler({ dialer, signal: (_faxId, event) => seen.push(event), now: () => at, logger: pino({ level: 'silent' }), recordWaitMs: 300 })('f1', 'call-1');
    hungUp = true;
    emit({ type: 'esl.channel.hangup', at, cause: 'NORMAL_CLEARING' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen.map((signal) => signal.type)).toEqual(['call.alive', 'esl.fax.result', 'esl.channel.hangup']);
    expect(seen[1]).toMatchObject({ success: true, code: 0, pages: 2 });
  });

  it('passes a hang-up through as it is when the result was heard, or when FreeSWITCH recorded none', async () => {
    const result: EslSignal = { type: 'esl.fax.result', at, success: true, code: 0, text: 'OK', pages: 2, t38Status: 'off', transferRate: 14400, badRows: 0 };
    const hangup: EslSignal = { type: 'esl.channel.hangup', at, cause: 'NORMAL_CLEARING' };
    expect((await reconciled(() => sent, [result, hangup])).map((signal) => signal.type)).toEqual(['call.alive', 'esl.fax.result', 'esl.channel.hangup']);
    expect((await reconciled(() => undefined, [hangup])).map((signal) => signal.type)).toEqual(['call.alive', 'esl.channel.hangup']);
  });
});
