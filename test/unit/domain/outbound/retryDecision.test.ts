import { describe, expect, it } from 'vitest';
import { classifyAttemptOutcome, type AttemptOutcome, type AttemptT30Result } from '../../../../src/domain/outbound/outcomeClassification.js';
import { decideNextStep, type NextStep } from '../../../../src/domain/outbound/retryDecision.js';
import { defaultSendPolicy, mergeSendPolicy, type SendPolicy } from '../../../../src/domain/outbound/sendPolicy.js';
import { firstAttemptState, nextAttemptState, type SendState } from '../../../../src/domain/outbound/sendState.js';

const now = Date.parse('2025-03-01T12:00:00Z');
const s = 1_000;
const allOn = { ecm: true, v17: true, t38: true };
const state = (more: Partial<SendState> = {}): SendState => ({ ...firstAttemptState(['a', 'b', 'c'], allOn), ...more });
const t30 = (resultCode: number, more: Partial<AttemptT30Result> = {}): AttemptOutcome => ({
  hangupCause: 'NORMAL_CLEARING',
  answered: true,
  t30: { resultCode, success: false, pagesSent: 0, totalPages: 2, t38Used: false, negotiations: 1, ecmUsed: true, ...more },
});
const cause = (hangupCause: string): AttemptOutcome => ({ hangupCause, answered: false });
const decide = (attempt: AttemptOutcome, at: SendState = state(), policy: SendPolicy = defaultSendPolicy): NextStep =>
  decideNextStep(at, classifyAttemptOutcome(attempt), policy, now);
const unchanged = { transport: allOn, switchedOff: [], recordStationT38Trouble: false };

describe('retry decision', () => {
  it('is done when the fax was sent', () => {
    expect(decide({ answered: true, t30: { resultCode: 0, success: true, pagesSent: 2, totalPages: 2, t38Used: true, negotiations: 2 } })).toEqual({ kind: 'done' });
  });

  it.each<[string, AttemptOutcome, number]>([
    ['busy: the HylaFAX busy delay', cause('USER_BUSY'), 180 * s],
    ['no answer: the no-answer delay', cause('NO_ANSWER'), 300 * s],
    ['no user response: the no-answer delay', cause('NO_USER_RESPONSE'), 300 * s],
    ['a voice line (no fax tone): the no-answer delay', t30(2, { negotiations: 0 }), 300 * s],
    ['an unknown end: the failure delay', cause('NORMAL_CLEARING'), 120 * s],
    ['a first page failure: the failure delay, ECM kept', t30(21, { pagesSent: 1 }), 120 * s],
    ['a mid-fax drop: the failure delay, whole fax again', t30(49, { pagesSent: 1 }), 120 * s],
  ])('retries on the same gateway after %s', (_, attempt, delay) => {
    expect(decide(attempt, state({ gatewayIndex: 1 }))).toEqual({ kind: 'retryLater', at: now + delay, gateway: 'b', ...unchanged });
  });

  it('waits for the same gateway to come out of cooldown if it is still cooling', () => {
    expect(decide(cause('USER_BUSY'), state({ cooldowns: { a: now + 500 * s } }))).toMatchObject({ kind: 'retryLater', at: now + 500 * s, gateway: 'a' });
  });

  it.each<[string, AttemptOutcome, string]>([
    ['call rejected', cause('CALL_REJECTED'), 'failed after 1 attempt: rejected (CALL_REJECTED)'],
    ['unallocated number', cause('UNALLOCATED_NUMBER'), 'failed after 1 attempt: rejected (UNALLOCATED_NUMBER)'],
    ['invalid number format', cause('INVALID_NUMBER_FORMAT'), 'failed after 1 attempt: rejected (INVALID_NUMBER_FORMAT)'],
    ['unreadable TIFF', t30(41), 'failed after 1 attempt: local document error: TIFF/F file cannot be opened (T.30 code 41)'],
    ['refused password', t30(56), 'failed after 1 attempt: rejected: Password not accepted (T.30 code 56)'],
    ['no gateway to dial', cause('NO_GATEWAY'), 'failed after 1 attempt: no upstream gateway to send through (NO_GATEWAY)'],
  ])('gives up at once on %s', (_, attempt, reason) => {
    expect(decide(attempt)).toMatchObject({ kind: 'giveUp', reason, recordStationT38Trouble: false });
  });

  it('gives up on a cancel, saying so', () => {
    expect(decide(cause('ORIGINATOR_CANCEL'), state({ attempts: 2 }))).toEqual({
      kind: 'giveUp',
      reason: 'cancelled after 2 attempts',
      outcomeClass: 'cancelled',
      recordStationT38Trouble: false,
    });
  });

  it.each<[string, AttemptOutcome, string]>([
    ['busy', cause('USER_BUSY'), 'failed after 3 attempts: busy (USER_BUSY)'],
    ['gateway failure', cause('GATEWAY_DOWN'), 'failed after 3 attempts: gateway failure (GATEWAY_DOWN)'],
    ['page failure', t30(21, { pagesSent: 1 }), 'failed after 3 attempts: page transfer failed after 1 of 2 pages: No response after sending a page (T.30 code 21)'],
  ])('gives up when the attempts are used up, naming the last cause (%s)', (_, attempt, reason) => {
    expect(decide(attempt, state({ attempts: 3, history: ['noAnswer', 'busy'] }))).toMatchObject({ kind: 'giveUp', reason });
  });

  it('lets a fax override allow more attempts', () => {
    const policy = mergeSendPolicy(defaultSendPolicy, { maxAttempts: 4 }, { maxAttempts: 5 });
    expect(decide(cause('USER_BUSY'), state({ attempts: 4 }), policy)).toMatchObject({ kind: 'retryLater' });
    expect(decide(cause('USER_BUSY'), state({ attempts: 5 }), policy)).toMatchObject({ kind: 'giveUp' });
  });
});

describe('gateway failover', () => {
  it('cools the failed gateway and tries the next one now', () => {
    expect(decide(cause('NORMAL_TEMPORARY_FAILURE'))).toEqual({ kind: 'nextGatewayNow', gateway: 'b', cooling: { gateway: 'a', until: now + 60 * s }, ...unchanged });
  });

  it('finishes the pass in priority order before going back to the top', () => {
    expect(decide(cause('GATEWAY_DOWN'), state({ gatewayIndex: 1, cooldowns: { a: now - s } }))).toMatchObject({ kind: 'nextGatewayNow', gateway: 'c' });
  });

  it('skips gateways that are still cooling', () => {
    expect(decide(cause('GATEWAY_DOWN'), state({ cooldowns: { b: now + 5 * s } }))).toMatchObject({ kind: 'nextGatewayNow', gateway: 'c' });
  });

  it('starts a new pass at the top once the top gateway has cooled down', () => {
    expect(decide(cause('NETWORK_OUT_OF_ORDER'), state({ gatewayIndex: 2, cooldowns: { a: now - s, b: now + 30 * s } }))).toMatchObject({
      kind: 'nextGatewayNow',
      gateway: 'a',
      cooling: { gateway: 'c', until: now + 60 * s },
    });
  });

  it.each<[string, Record<string, number>, string, number]>([
    ['the first to come free', { a: now + 40 * s, b: now + 10 * s }, 'b', now + 10 * s],
    ['the more preferred on a tie', { a: now + 10 * s, b: now + 10 * s }, 'a', now + 10 * s],
  ])('retries later on %s when all gateways are cooling', (_, cooldowns, gateway, at) => {
    expect(decide(cause('RECOVERY_ON_TIMER_EXPIRE'), state({ gatewayIndex: 2, cooldowns }))).toEqual({
      kind: 'retryLater',
      at,
      gateway,
      cooling: { gateway: 'c', until: now + 60 * s },
      ...unchanged,
    });
  });

  it('waits out the cooldown of a lone gateway', () => {
    expect(decide(cause('SERVICE_UNAVAILABLE'), firstAttemptState(['only'], allOn))).toMatchObject({ kind: 'retryLater', at: now + 60 * s, gateway: 'only' });
  });

  it('gives up when there is no gateway at all', () => {
    expect(decide(cause('GATEWAY_DOWN'), firstAttemptState([], allOn))).toMatchObject({
      kind: 'giveUp',
      reason: 'failed after 1 attempt: gateway failure (GATEWAY_DOWN); no gateway to retry through',
    });
  });
});

describe('degrading the transport', () => {
  const training = t30(6);
  const pageFailure = t30(21, { pagesSent: 1 });

  it.each<[string, AttemptOutcome, Partial<SendState>, Partial<SendPolicy>, Record<string, boolean>, string[]]>([
    ['a training failure disables V.17 (threshold 1)', training, {}, {}, { v17: false }, ['v17']],
    ['one training failure is not enough for threshold 2', training, {}, { disableV17AfterAttempts: 2 }, {}, []],
    ['a second training failure reaches threshold 2', training, { attempts: 2, history: ['negotiationFailure'] }, { disableV17AfterAttempts: 2 }, { v17: false }, ['v17']],
    ['threshold 0 never disables V.17', training, { attempts: 2, history: ['negotiationFailure'] }, { disableV17AfterAttempts: 0 }, {}, []],
    ['one page failure keeps ECM (threshold 2)', pageFailure, {}, {}, {}, []],
    ['a second page failure disables ECM', pageFailure, { attempts: 2, history: ['pageTransferFailure'] }, {}, { ecm: false }, ['ecm']],
    ['a page failure without ECM in use changes nothing', t30(21, { pagesSent: 1, ecmUsed: false }), { attempts: 2, history: ['pageTransferFailure'] }, {}, {}, []],
    ['a busy line degrades nothing', cause('USER_BUSY'), { attempts: 2, history: ['negotiationFailure'] }, {}, {}, []],
    ['a feature once off stays off', cause('USER_BUSY'), { transport: { ecm: false, v17: false, t38: false } }, {}, { ecm: false, v17: false, t38: false }, []],
  ])('%s', (_, attempt, at, override, transportChange, switchedOff) => {
    const step = decide(attempt, state(at), mergeSendPolicy(defaultSendPolicy, override));
    expect(step).toMatchObject({ kind: 'retryLater', transport: { ...(at.transport ?? allOn), ...transportChange }, switchedOff });
  });

  it('turns T.38 off after T.38 trouble, records it for the station, and changes nothing else at once', () => {
    expect(decide(t30(20, { t38Used: true, negotiations: 2 }))).toEqual({
      kind: 'retryLater',
      at: now + 120 * s,
      gateway: 'a',
      transport: { ecm: true, v17: true, t38: false },
      switchedOff: ['t38'],
      recordStationT38Trouble: true,
    });
  });

  it('counts the T.38 attempt toward V.17 once the fax fails again in audio', () => {
    const audio = state({ attempts: 2, history: ['negotiationFailure'], transport: { ecm: true, v17: true, t38: false } });
    expect(decide(training, audio)).toMatchObject({ transport: { ecm: true, v17: false, t38: false }, switchedOff: ['v17'], recordStationT38Trouble: false });
  });

  it('still records T.38 trouble when giving up', () => {
    expect(decide(t30(21, { t38Used: true, pagesSent: 1 }), state({ attempts: 3 }))).toMatchObject({ kind: 'giveUp', recordStationT38Trouble: true });
  });
});

describe('a whole fax, attempt by attempt', () => {
  it('fails over, waits, degrades, and gives up naming the last cause', () => {
    const policy = mergeSendPolicy(defaultSendPolicy, undefined, { maxAttempts: 4 });
    const attempts: AttemptOutcome[] = [
      cause('GATEWAY_DOWN'),
      cause('USER_BUSY'),
      t30(20, { t38Used: true, negotiations: 2 }),
      t30(20),
    ];
    let current = firstAttemptState(['a', 'b'], allOn);
    let clock = now;
    const steps: NextStep[] = [];
    for (const attempt of attempts) {
      const outcome = classifyAttemptOutcome(attempt);
      const step = decideNextStep(current, outcome, policy, clock);
      steps.push(step);
      if (step.kind !== 'retryLater' && step.kind !== 'nextGatewayNow') break;
      if (step.kind === 'retryLater') clock = step.at;
      current = nextAttemptState(current, outcome.outcomeClass, step);
    }
    expect(steps.map((step) => step.kind)).toEqual(['nextGatewayNow', 'retryLater', 'retryLater', 'giveUp']);
    expect(steps[1]).toMatchObject({ gateway: 'b', at: now + 180 * s });
    expect(steps[2]).toMatchObject({ gateway: 'b', at: now + 300 * s, transport: { t38: false, v17: true } });
    expect(steps[3]).toMatchObject({ reason: 'failed after 4 attempts: negotiation failed: Received no response to DCS or TCF (T.30 code 20)' });
    expect(current).toEqual({
      attempts: 4,
      gateways: ['a', 'b'],
      gatewayIndex: 1,
      cooldowns: { a: now + 60 * s },
      transport: { ecm: true, v17: true, t38: false },
      history: ['gatewayFailure', 'busy', 'negotiationFailure'],
    });
  });
});
