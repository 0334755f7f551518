import { describe, expect, it } from 'vitest';
import { outboundFaxMachine, type OutboundFaxInput, type OutboundFaxSignal } from '../../../machines/outboundFax.js';
import { defaultSendPolicy } from '../../../src/domain/outbound/sendPolicy.js';
import { firstAttemptState } from '../../../src/domain/outbound/sendState.js';
import { runMachine } from '../../support/machineHarness.js';

const T0 = Date.parse('2026-11-28T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function input(gateways = ['gwA', 'gwB'], overrides: Partial<OutboundFaxInput> = {}): OutboundFaxInput {
  return {
    faxId: 'fax-1',
    tenantId: 'tenant-1',
    to: '+15557654321',
    from: '+15551230000',
    tiffPath: '/spool/doc.tif',
    pages: 2,
    baseVariables: { fax_ident: '+15551230000' },
    policy: defaultSendPolicy,
    next: firstAttemptState(gateways, { ecm: true, v17: true, t38: true }),
    attemptLog: [],
    now: T0,
    ...overrides,
  };
}

/** Runs the machine with its effects recorded. */
function start(machineInput = input()) {
  const effects: Array<{ effect: string; params?: unknown }> = [];
  const machine = outboundFaxMachine.provide({
    actions: {
      requestChannel: (_, params) => void effects.push({ effect: 'requestChannel', params }),
      releaseChannel: () => void effects.push({ effect: 'releaseChannel' }),
      originate: (_, params) => void effects.push({ effect: 'originate', params }),
      hangupCall: () => void effects.push({ effect: 'hangupCall' }),
    },
  });
  const run = runMachine(machine, machineInput);
  const send = (...signals: OutboundFaxSignal[]) => run.send(...signals);
  return { ...run, send, effects };
}

const negotiated = (s: number, t38Status: 'off' | 'negotiated' = 'off'): OutboundFaxSignal => ({ type: 'esl.fax.negotiated', at: at(s), transferRate: 14400, ecm: true, t38Status });
const page = (s: number, n: number): OutboundFaxSignal => ({ type: 'esl.fax.page', at: at(s), page: n, resolution: '204x196', badRows: 0, longestBadRowRun: 0, encoding: 'T.6', imageBytes: 1000 });
const result = (s: number, code: number, pages: number, t38Status: 'off' | 'negotiated' = 'off'): OutboundFaxSignal => ({
  type: 'esl.fax.result', at: at(s), success: code === 0, code, text: code === 0 ? 'OK' : 'failed', pages, t38Status, transferRate: 14400, badRows: 0,
});

describe('outbound fax machine', () => {
  it('sends a fax: channel, originate with fresh uuid and fax variables, pages, FaxSent, channel released', () => {
    const fax = start();
    expect(fax.effects[0]).toEqual({ effect: 'requestChannel', params: { gateway: 'gwA' } });
    fax.send({ type: 'channel.granted', at: at(0), callUuid: 'call-1' });
    const originate = fax.effects.find((e) => e.effect === 'originate')!.params as { callUuid: string; gateway: string; variables: Record<string, string> };
    expect(originate).toMatchObject({ callUuid: 'call-1', gateway: 'gwA' });
    expect(originate.variables).toMatchObject({ fax_ident: '+15551230000', fax_enable_t38: 'true', fax_use_ecm: 'true', fax_disable_v17: 'false' });
    fax.send({ type: 'esl.channel.answered', at: at(5) }, negotiated(8), page(20, 1), page(35, 2), result(36, 0, 2), { type: 'esl.channel.hangup', at: at(37), cause: 'NORMAL_CLEARING' });
    expect(fax.types()).toEqual(['FaxSendAttemptStarted', 'FaxCallAnswered', 'FaxNegotiated', 'FaxPageTransferred', 'FaxPageTransferred', 'FaxSent']);
    expect(fax.last('FaxSent')).toMatchObject({ attempts: 1, gateway: 'gwA', pages: 2 });
    expect(fax.effects.at(-1)).toEqual({ effect: 'releaseChannel' });
    expect(fax.done()).toBe(true);
  });

  it('busy: schedules the retry at an absolute time on the same gateway and dials again when it is due', () => {
    const fax = start();
    fax.send({ type: 'channel.granted', at: at(0), callUuid: 'call-1' }, { type: 'esl.originate.failed', at: at(3), cause: 'USER_BUSY' });
    expect(fax.last('FaxSendAttemptFailed')).toMatchObject({ outcomeClass: 'busy', hangupCause: 'USER_BUSY' });
    expect(fax.last('FaxRetryScheduled')).toMatchObject({ retryAt: at(3 + 180), gateway: 'gwA', nextAttempt: 2 });
    expect(fax.state()).toBe('waitingToRetry');
    fax.clock.increment(179_000);
    expect(fax.state()).toBe('waitingToRetry');
    fax.clock.increment(1_000);
    expect(fax.state()).toBe('waitingForChannel');
    fax.send({ type: 'channel.granted', at: at(183), callUuid: 'call-2' });
    expect(fax.last('FaxSendAttemptStarted')).toMatchObject({ attempt: 2, callUuid: 'call-2', gateway: 'gwA' });
  });

  it('gateway failure: tries the next gateway by priority at once', () => {
    const fax = start();
    fax.send({ type: 'channel.granted', at: at(0), callUuid: 'call-1' }, { type: 'esl.channel.hangup', at: at(1), cause: 'GATEWAY_DOWN' });
    expect(fax.types()).not.toContain('FaxRetryScheduled');
    expect(fax.effects.filter((e) => e.effect === 'requestChannel').map((e) => e.params)).toEqual([{ gateway: 'gwA' }, { gateway: 'gwB' }]);
  });

  it('gives up after the attempts run out, listing every attempt', () => {
    const fax = start(input(['gwA'], { policy: { ...defaultSendPolicy, maxAttempts: 2 } }));
    fax.send({ type: 'channel.granted', at: at(0), callUuid: 'c1' }, { type: 'esl.originate.failed', at: at(1), cause: 'NO_ANSWER' });
    fax.clock.increment(300_000);
    fax.send({ type: 'channel.granted', at: at(301), callUuid: 'c2' }, { type: 'esl.originate.failed', at: at(302), cause: 'USER_BUSY' });
    expect(fax.state()).toBe('failed');
    const failed = fax.last('FaxFailed') as { reason: string; attemptLog: unknown[] };
    expect(failed.reason).toMatch(/failed after 2 attempts: busy/);
    expect(failed.attemptLog).toHaveLength(2);
  });

  it('asks for T.38 only when the gateway role says so, and never with T.38 off', () => {
    const variables = (machineInput: OutboundFaxInput) => {
      const fax = start(machineInput);
      fax.send({ type: 'channel.granted', at: at(0), callUuid: 'c1' });
      const { fax_enable_t38, fax_enable_t38_request } = (fax.effects.find((e) => e.effect === 'originate')!.params as { variables: Record<string, string> }).variables;
      return { fax_enable_t38, fax_enable_t38_request };
    };
    expect(variables(input(['gwA'], { t38Request: false }))).toEqual({ fax_enable_t38: 'true', fax_enable_t38_request: 'false' });
    expect(variables(input(['gwA'], { t38Request: true }))).toEqual({ fax_enable_t38: 'true', fax_enable_t38_request: 'true' });
    expect(variables(input(['gwA'], { t38Request: true, next: firstAttemptState(['gwA'], { ecm: true, v17: true, t38: false }) }))).toEqual({ fax_enable_t38: 'false', fax_enable_t38_request: 'false' });
  });

  it('T.38 trouble: the next attempt goes with T.38 off and the station is flagged', () => {
    const fax = start();
    fax.send(
      { type: 'channel.granted', at: at(0), callUuid: 'c1' },
      { type: 'esl.channel.answered', at: at(2) },
      negotiated(3),
      negotiated(6, 'negotiated'),
      result(40, 48, 0, 'negotiated'),
      { type: 'esl.channel.hangup', at: at(41), cause: 'NORMAL_CLEARING' },
    );
    expect(fax.last('FaxSendAttemptFailed')).toMatchObject({ t38Trouble: true, recordStationT38Trouble: true });
    expect(fax.last('FaxRetryScheduled')).toMatchObject({ transport: { t38: false, ecm: true, v17: true } });
  });

  it('cancel while queued ends the fax without dialling; cancel in a call hangs up and ends cancelled', () => {
    const queued = start();
    queued.send({ type: 'fax.cancel', at: at(1), by: { kind: 'admin' } });
    expect(queued.types()).toEqual(['FaxCancelled']);
    expect(queued.effects.map((e) => e.effect)).toEqual(['requestChannel', 'releaseChannel']);

    const inCall = start();
    inCall.send({ type: 'channel.granted', at: at(0), callUuid: 'c1' }, { type: 'esl.channel.answered', at: at(2) }, { type: 'fax.cancel', at: at(3), by: { kind: 'admin' } });
    expect(inCall.effects.map((e) => e.effect)).toContain('hangupCall');
    inCall.send({ type: 'esl.channel.hangup', at: at(4), cause: 'ORIGINATOR_CANCEL' });
    inCall.clock.increment(5_000);
    expect(inCall.state()).toBe('cancelled');
    expect(inCall.last('FaxCancelled')).toMatchObject({ during: 'call', by: { kind: 'admin' } });
  });

  it('a call lost and gone is never retried (it may have arrived): FaxSendAttemptInterrupted and FaxFailed maybeSent', () => {
    const fax = start();
    fax.send({ type: 'channel.granted', at: at(0), callUuid: 'c1' }, { type: 'esl.channel.answered', at: at(2) }, page(20, 1), { type: 'esl.connection.lost', at: at(21) });
    expect(fax.state()).toBe('detached');
    fax.send({ type: 'call.gone', at: at(30) });
    expect(fax.types().slice(-2)).toEqual(['FaxSendAttemptInterrupted', 'FaxFailed']);
    expect(fax.last('FaxFailed')).toMatchObject({ maybeSent: true, outcomeClass: 'interrupted' });
  });

  it('a call lost before answer is not retried either (it may have been answered meanwhile); a live call is followed again', () => {
    const lost = start();
    lost.send({ type: 'channel.granted', at: at(0), callUuid: 'c1' }, { type: 'esl.connection.lost', at: at(1) }, { type: 'call.gone', at: at(2) });
    expect(lost.types()).not.toContain('FaxRetryScheduled');
    expect(lost.last('FaxFailed')).toMatchObject({ maybeSent: true });

    const alive = start();
    alive.send({ type: 'channel.granted', at: at(0), callUuid: 'c1' }, { type: 'esl.channel.answered', at: at(1) }, { type: 'esl.connection.lost', at: at(2) }, { type: 'call.alive', at: at(3), answered: true });
    expect(alive.state()).toBe('sending');
  });

  it('a fax restored in a call starts detached and continues when FreeSWITCH still has the call', () => {
    const inCall = { callUuid: 'c9', gateway: 'gwA', startedAt: at(0), answered: true, negotiations: 1, pagesSent: 1, badRows: 0, t38Status: 'off' as const, cancelRequested: false };
    const fax = start(input(['gwA'], { inCall }));
    expect(fax.state()).toBe('detached');
    fax.send({ type: 'call.alive', at: at(5), answered: true }, page(6, 2), result(7, 0, 2), { type: 'esl.channel.hangup', at: at(8), cause: 'NORMAL_CLEARING' });
    expect(fax.last('FaxSent')).toMatchObject({ callUuid: 'c9', pages: 2 });
  });

  const unansweredInCall = { callUuid: 'c9', gateway: 'gwA', startedAt: at(0), answered: false, negotiations: 0, pagesSent: 0, badRows: 0, t38Status: 'off' as const, cancelRequested: false };

  it('a restored call answered while faxengine was down is followed as answered (FreeSWITCH says so)', () => {
    const fax = start(input(['gwA'], { inCall: unansweredInCall }));
    fax.send({ type: 'call.alive', at: at(5), answered: true }, negotiated(6), page(7, 1), page(8, 2), { type: 'esl.channel.hangup', at: at(9), cause: 'NORMAL_CLEARING' }, result(9, 0, 2));
    expect(fax.types()).toEqual(['FaxCallAnswered', 'FaxNegotiated', 'FaxPageTransferred', 'FaxPageTransferred', 'FaxSent']);
  });

  it("spandsp's events prove an answer nobody heard: handled as in sending", () => {
    const fax = start(input(['gwA'], { inCall: unansweredInCall }));
    fax.send({ type: 'call.alive', at: at(5), answered: false }, page(7, 1), page(8, 2), { type: 'esl.channel.hangup', at: at(9), cause: 'NORMAL_CLEARING' }, result(9, 0, 2));
    expect(fax.types()).toEqual(['FaxCallAnswered', 'FaxPageTransferred', 'FaxPageTransferred', 'FaxSent']);
    expect(fax.last('FaxSent')).toMatchObject({ callUuid: 'c9', pages: 2 });
  });

  it('a call that ended while faxengine was down ends with the outcome FreeSWITCH recorded', () => {
    const sent = start(input(['gwA'], { inCall: unansweredInCall }));
    const fax = { success: true, code: 0, pages: 2, transferRate: 9600, ecm: true, t38Status: 'off' as const };
    sent.send({ type: 'call.gone', at: at(60), outcome: { hangupCause: 'NORMAL_CLEARING', answered: true, answeredAt: at(3), fax } });
    expect(sent.types()).toEqual(['FaxCallAnswered', 'FaxSent']);
    expect(sent.last('FaxCallAnswered')).toMatchObject({ answeredAt: at(3) });
    expect(sent.last('FaxSent')).toMatchObject({ callUuid: 'c9', pages: 2, transferRate: 9600 });

    const failed = start(input(['gwA'], { inCall: unansweredInCall }));
    failed.send({ type: 'call.gone', at: at(60), outcome: { hangupCause: 'NORMAL_CLEARING', answered: true, fax: { ...fax, success: false, code: 48, pages: 0 } } });
    expect(failed.types()).toEqual(['FaxCallAnswered', 'FaxSendAttemptFailed', 'FaxRetryScheduled']);
    expect(failed.last('FaxSendAttemptFailed')).toMatchObject({ outcomeClass: 'negotiationFailure', t30Code: 48, answered: true });

    const busy = start(input(['gwA'], { inCall: unansweredInCall }));
    busy.send({ type: 'call.gone', at: at(60), outcome: { hangupCause: 'USER_BUSY', answered: false } });
    expect(busy.types()).toEqual(['FaxSendAttemptFailed', 'FaxRetryScheduled']);
    expect(busy.last('FaxSendAttemptFailed')).toMatchObject({ outcomeClass: 'busy', answered: false });
  });

  it('a restored fax waiting to retry re-arms its absolute deadline', () => {
    const fax = start(input(['gwA'], { retryAt: T0 + 60_000, now: T0 + 50_000 }));
    expect(fax.state()).toBe('waitingToRetry');
    fax.clock.increment(9_999);
    expect(fax.state()).toBe('waitingToRetry');
    fax.clock.increment(1);
    expect(fax.state()).toBe('waitingForChannel');
  });
});
