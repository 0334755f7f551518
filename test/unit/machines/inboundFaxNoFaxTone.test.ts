import { describe, expect, it, vi } from 'vitest';
import { fromPromise } from 'xstate';
import { inboundFaxMachine } from '../../../machines/inboundFax.js';
import type { ScreeningDecision } from '../../../src/domain/fax/inboundScreening.js';
import { acceptedCall } from '../../support/faxFixtures.js';
import { runMachine, settle } from '../../support/machineHarness.js';

const accepted = acceptedCall('fax-1', '/spool', { tenantId: 'tenant-a' });
const at = (second: number) => `2026-01-01T00:${String(Math.floor(second / 60)).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}.000Z`;
const LIMIT_MS = 60_000;

function given(noFaxToneTimeoutMs: number | undefined) {
  const hangUp = vi.fn();
  const machine = inboundFaxMachine.provide({
    actors: {
      screenCall: fromPromise(async (): Promise<ScreeningDecision> => accepted),
      storeDocument: fromPromise(async () => ({ documentId: 'sha256-abc' })),
    },
    actions: { hangUp: () => hangUp() },
  });
  const input = {
    faxId: 'fax1',
    offeredAt: at(0),
    offer: { callUuid: 'uuid-1', callerNumber: '+15550001111' },
    ...(noFaxToneTimeoutMs === undefined ? {} : { noFaxToneTimeoutMs }),
  };
  return { run: runMachine(machine, input), hangUp };
}

describe('inboundFax machine: a caller that sends no fax tones', () => {
  it('hangs up when no negotiation came within the limit after the answer, and ends no_fax_detected', async () => {
    const { run, hangUp } = given(LIMIT_MS);
    await settle();
    run.send({ type: 'esl.channel.answered', at: at(1) });
    run.clock.increment(LIMIT_MS - 1);
    expect(hangUp).not.toHaveBeenCalled();
    run.clock.increment(1);
    expect(hangUp).toHaveBeenCalledTimes(1);
    // Our hang-up, then spandsp's code-49 result that follows it.
    run.send({ type: 'esl.channel.hangup', at: at(61), cause: 'NORMAL_CLEARING' });
    run.send({ type: 'esl.fax.result', at: at(61), success: false, code: 49, text: 'The call dropped prematurely', pages: 0, t38Status: 'off', transferRate: 0, badRows: 0 });
    await settle();
    expect(run.types()).toEqual(['FaxCallOffered', 'FaxCallAnswered', 'FaxReceiveFailed', 'FaxCallEnded']);
    expect(run.last('FaxReceiveFailed')).toMatchObject({
      reasonClass: 'no_fax_detected',
      resultText: 'no fax tones within 60 s of answering: hung up',
      resultCode: 49,
      pagesReceived: 0,
      negotiations: 0,
      partial: false,
    });
    expect(run.done()).toBe(true);
  });

  it('leaves a fax that negotiated in time alone, however long it takes', async () => {
    const { run, hangUp } = given(LIMIT_MS);
    await settle();
    run.send({ type: 'esl.channel.answered', at: at(1) });
    run.clock.increment(LIMIT_MS / 2);
    run.send({ type: 'esl.fax.negotiated', at: at(31), transferRate: 14400, ecm: true, t38Status: 'off' });
    run.clock.increment(LIMIT_MS * 5);
    expect(hangUp).not.toHaveBeenCalled();
    expect(run.state()).toBe('receiving');
  });

  it('arms no timer without a limit', async () => {
    const { run, hangUp } = given(undefined);
    await settle();
    run.send({ type: 'esl.channel.answered', at: at(1) });
    run.clock.increment(24 * 3600_000);
    expect(hangUp).not.toHaveBeenCalled();
  });
});
