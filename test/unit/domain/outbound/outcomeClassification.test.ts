import { describe, expect, it } from 'vitest';
import {
  classifyAttemptOutcome,
  describeOutcome,
  hangupCauseClasses,
  type AttemptT30Result,
  type SendOutcomeClass,
} from '../../../../src/domain/outbound/outcomeClassification.js';
import { sipStatusClasses } from '../../../../src/domain/outbound/sipOutcome.js';

const failedT30 = (resultCode: number, more: Partial<AttemptT30Result> = {}): AttemptT30Result => ({
  resultCode,
  success: false,
  pagesSent: 0,
  totalPages: 3,
  t38Used: false,
  negotiations: 1,
  ...more,
});
const sentT30: AttemptT30Result = { resultCode: 0, success: true, pagesSent: 3, totalPages: 3, t38Used: true, negotiations: 2, ecmUsed: true };

describe('classifying an attempt by hangup cause (no T.30 result)', () => {
  const expected: Array<[string, SendOutcomeClass]> = [
    ['USER_BUSY', 'busy'],
    ['NO_ANSWER', 'noAnswer'],
    ['NO_USER_RESPONSE', 'noAnswer'],
    ['SUBSCRIBER_ABSENT', 'noAnswer'],
    ['CALL_REJECTED', 'rejected'],
    ['UNALLOCATED_NUMBER', 'rejected'],
    ['INVALID_NUMBER_FORMAT', 'rejected'],
    ['NUMBER_CHANGED', 'rejected'],
    ['INCOMING_CALL_BARRED', 'rejected'],
    ['NO_ROUTE_DESTINATION', 'gatewayFailure'],
    ['NO_ROUTE_TRANSIT_NET', 'gatewayFailure'],
    ['NORMAL_TEMPORARY_FAILURE', 'gatewayFailure'],
    ['NETWORK_OUT_OF_ORDER', 'gatewayFailure'],
    ['DESTINATION_OUT_OF_ORDER', 'gatewayFailure'],
    ['GATEWAY_DOWN', 'gatewayFailure'],
    ['INVALID_GATEWAY', 'gatewayFailure'],
    ['RECOVERY_ON_TIMER_EXPIRE', 'gatewayFailure'],
    ['PROGRESS_TIMEOUT', 'gatewayFailure'],
    ['SERVICE_UNAVAILABLE', 'gatewayFailure'],
    ['NORMAL_CIRCUIT_CONGESTION', 'gatewayFailure'],
    ['SWITCH_CONGESTION', 'gatewayFailure'],
    ['REQUESTED_CHAN_UNAVAIL', 'gatewayFailure'],
    ['EXCHANGE_ROUTING_ERROR', 'gatewayFailure'],
    ['OUTGOING_CALL_BARRED', 'gatewayFailure'],
    ['INCOMPATIBLE_DESTINATION', 'gatewayFailure'],
    ['BEARERCAPABILITY_NOTAVAIL', 'gatewayFailure'],
    ['INTERWORKING', 'gatewayFailure'],
    ['PROTOCOL_ERROR', 'gatewayFailure'],
    ['USER_NOT_REGISTERED', 'gatewayFailure'],
    ['MEDIA_TIMEOUT', 'gatewayFailure'],
    ['ORIGINATOR_CANCEL', 'cancelled'],
    ['NO_GATEWAY', 'noGateway'],
    ['NORMAL_CLEARING', 'unknown'],
    ['NORMAL_UNSPECIFIED', 'unknown'],
    ['SYSTEM_SHUTDOWN', 'unknown'],
    ['SOMETHING_NEW', 'unknown'],
  ];

  it.each(expected)('%s → %s', (hangupCause, outcomeClass) => {
    expect(classifyAttemptOutcome({ hangupCause, answered: false })).toMatchObject({ outcomeClass, decidedBy: 'hangupCause', t38Trouble: false });
  });

  it('covers every cause of the table in this test', () => {
    const tested = new Set(expected.map(([cause]) => cause));
    expect([...hangupCauseClasses.keys()].filter((cause) => !tested.has(cause))).toEqual([]);
  });

  it('is unknown with neither a cause nor a result', () => {
    expect(classifyAttemptOutcome({ answered: true })).toMatchObject({ outcomeClass: 'unknown', decidedBy: 'nothing' });
  });

  it('does not call an answered call that ended normally without a fax result sent', () => {
    expect(classifyAttemptOutcome({ hangupCause: 'NORMAL_CLEARING', answered: true }).outcomeClass).toBe('unknown');
  });
});

describe('classifying an unanswered call by its SIP status when the cause says nothing', () => {
  const expected: Array<[number, SendOutcomeClass]> = [
    [486, 'busy'],
    [600, 'busy'],
    [480, 'noAnswer'],
    [487, 'noAnswer'],
    [404, 'rejected'],
    [410, 'rejected'],
    [484, 'rejected'],
    [485, 'rejected'],
    [604, 'rejected'],
    [403, 'rejected'],
    [603, 'rejected'],
    [401, 'gatewayFailure'],
    [402, 'gatewayFailure'],
    [407, 'gatewayFailure'],
    [408, 'gatewayFailure'],
    [488, 'gatewayFailure'],
    [606, 'gatewayFailure'],
    [500, 'gatewayFailure'],
    [502, 'gatewayFailure'],
    [503, 'gatewayFailure'],
    [504, 'gatewayFailure'],
    // Unlisted: 5xx is the route's failure, 6xx a global refusal, other 4xx stay unknown.
    [580, 'gatewayFailure'],
    [699, 'rejected'],
    [499, 'unknown'],
  ];

  it.each(expected)('NORMAL_CLEARING with SIP %s → %s', (sipStatus, outcomeClass) => {
    const classified = classifyAttemptOutcome({ hangupCause: 'NORMAL_CLEARING', sipStatus, sipDisposition: 'recv_refuse', answered: false });
    expect(classified).toMatchObject({ outcomeClass, decidedBy: outcomeClass === 'unknown' ? 'hangupCause' : 'sipStatus' });
  });

  it('covers every status of the table in this test', () => {
    const tested = new Set(expected.map(([status]) => status));
    expect([...sipStatusClasses.keys()].filter((status) => !tested.has(status))).toEqual([]);
  });

  it('reads the status for NORMAL_UNSPECIFIED, unlisted causes and a missing cause too', () => {
    for (const hangupCause of ['NORMAL_UNSPECIFIED', 'SOMETHING_NEW', undefined]) {
      expect(classifyAttemptOutcome({ ...(hangupCause ? { hangupCause } : {}), sipStatus: 480, answered: false })).toMatchObject({ outcomeClass: 'noAnswer', decidedBy: 'sipStatus' });
    }
  });

  it('lets a telling hangup cause decide, and a requested cancel beat both', () => {
    expect(classifyAttemptOutcome({ hangupCause: 'USER_BUSY', sipStatus: 480, answered: false })).toMatchObject({ outcomeClass: 'busy', decidedBy: 'hangupCause' });
    expect(classifyAttemptOutcome({ hangupCause: 'NORMAL_CLEARING', sipStatus: 487, answered: false, cancelRequested: true })).toMatchObject({ outcomeClass: 'cancelled' });
  });

  it('takes our own CANCEL (send_cancel) without a status as no answer', () => {
    expect(classifyAttemptOutcome({ hangupCause: 'NORMAL_CLEARING', sipDisposition: 'send_cancel', answered: false })).toMatchObject({ outcomeClass: 'noAnswer', decidedBy: 'sipStatus' });
    expect(classifyAttemptOutcome({ hangupCause: 'NORMAL_CLEARING', sipDisposition: 'recv_refuse', answered: false })).toMatchObject({ outcomeClass: 'unknown' });
  });

  it('ignores the SIP side of an answered call (its status is the 200 or the BYE)', () => {
    expect(classifyAttemptOutcome({ hangupCause: 'NORMAL_CLEARING', sipStatus: 503, sipDisposition: 'recv_bye', answered: true })).toMatchObject({ outcomeClass: 'unknown' });
  });
});

describe('classifying an attempt by its T.30 result', () => {
  const byClass: Array<[SendOutcomeClass, string, number[], Partial<AttemptT30Result>]> = [
    ['noAnswer', 'no fax answered', [2, 3], { negotiations: 0 }],
    ['noAnswer', 'dropped before any negotiation', [49], { negotiations: 0 }],
    ['negotiationFailure', 'training / capabilities', [6, 8, 9, 10, 11, 12, 14, 17, 19, 20, 24, 34, 35, 48], {}],
    ['negotiationFailure', 'link trouble before any page', [1, 4, 5, 7, 13, 29], {}],
    ['pageTransferFailure', 'phase C/D', [15, 16, 18, 21, 22, 23, 25, 26, 27, 28, 30, 31, 32, 33, 36, 37, 38, 39, 40], {}],
    ['pageTransferFailure', 'retries exhausted after pages', [48], { pagesSent: 1 }],
    ['pageTransferFailure', 'link trouble after pages', [4, 13], { pagesSent: 2 }],
    ['pageTransferFailure', 'dropped mid-fax, resent in full next time', [49], { pagesSent: 2 }],
    ['localFileError', 'our TIFF', [41, 42, 43, 44, 45, 46, 47], {}],
    ['rejected', 'a T.30 feature refused', [50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61], {}],
    ['unknown', 'OK but not successful (inconsistent report)', [0], {}],
  ];
  const cases = byClass.flatMap(([outcomeClass, why, codes, more]) => codes.map((code) => [code, why, outcomeClass, more] as const));

  it.each(cases)('code %i (%s) → %s', (code, _, outcomeClass, more) => {
    expect(classifyAttemptOutcome({ hangupCause: 'NORMAL_CLEARING', answered: true, t30: failedT30(code, more) })).toMatchObject({
      outcomeClass,
      decidedBy: 't30',
    });
  });

  it('covers every spandsp code 0–61 in this test', () => {
    const tested = new Set(cases.map(([code]) => code));
    expect(Array.from({ length: 62 }, (_, code) => code).filter((code) => !tested.has(code))).toEqual([]);
  });

  it('is sent on success with every page through (or the page count unknown)', () => {
    expect(classifyAttemptOutcome({ hangupCause: 'NORMAL_CLEARING', answered: true, t30: sentT30 }).outcomeClass).toBe('sent');
    expect(classifyAttemptOutcome({ answered: true, t30: { ...sentT30, totalPages: 0 } }).outcomeClass).toBe('sent');
  });

  it('does not believe a success that is missing pages', () => {
    expect(classifyAttemptOutcome({ answered: true, t30: { ...sentT30, pagesSent: 0 } }).outcomeClass).toBe('pageTransferFailure');
  });

  it('lets the fax result beat the hangup cause, and a cancel beat both', () => {
    const dropped = failedT30(49, { pagesSent: 1 });
    expect(classifyAttemptOutcome({ hangupCause: 'NORMAL_TEMPORARY_FAILURE', answered: true, t30: dropped }).outcomeClass).toBe('pageTransferFailure');
    expect(classifyAttemptOutcome({ hangupCause: 'ORIGINATOR_CANCEL', answered: true, t30: dropped }).outcomeClass).toBe('cancelled');
    expect(classifyAttemptOutcome({ hangupCause: 'NORMAL_CLEARING', answered: true, t30: dropped, cancelRequested: true })).toMatchObject({
      outcomeClass: 'cancelled',
      decidedBy: 'cancelRequest',
    });
  });

  it('ignores a T.30 result on a call that was never answered', () => {
    expect(classifyAttemptOutcome({ hangupCause: 'USER_BUSY', answered: false, t30: failedT30(6) }).outcomeClass).toBe('busy');
  });
});

describe('T.38 trouble', () => {
  it.each<[string, AttemptT30Result, boolean]>([
    ['negotiation failure over T.38', failedT30(20, { t38Used: true }), true],
    ['page failure over T.38', failedT30(21, { t38Used: true }), true],
    ['two negotiations over T.38, then refused feature', failedT30(56, { t38Used: true, negotiations: 2 }), true],
    ['bad rows over T.38', failedT30(56, { t38Used: true, badRows: 4 }), true],
    ['a no-fax failure with one negotiation', failedT30(3, { t38Used: true, negotiations: 1 }), false],
    ['a negotiation failure in audio', failedT30(20, { t38Used: false, negotiations: 2 }), false],
    ['a success over T.38 with two negotiations', sentT30, false],
  ])('%s → %s', (_, t30, t38Trouble) => {
    expect(classifyAttemptOutcome({ answered: true, t30 }).t38Trouble).toBe(t38Trouble);
  });
});

describe('describing an outcome', () => {
  it.each<[Parameters<typeof classifyAttemptOutcome>[0], string]>([
    [{ hangupCause: 'USER_BUSY', answered: false }, 'busy (USER_BUSY)'],
    [{ answered: false }, 'unknown failure'],
    [{ answered: true, t30: failedT30(21, { pagesSent: 1 }) }, 'page transfer failed after 1 of 3 pages: No response after sending a page (T.30 code 21)'],
    [{ answered: true, t30: failedT30(2, { negotiations: 0 }) }, 'no fax machine answered: Timed out waiting for initial communication (T.30 code 2)'],
    [{ answered: true, t30: failedT30(41) }, 'local document error: TIFF/F file cannot be opened (T.30 code 41)'],
    [{ answered: true, hangupCause: 'NORMAL_CLEARING', cancelRequested: true }, 'cancelled'],
    [{ answered: false, hangupCause: 'NORMAL_CLEARING', sipStatus: 480 }, 'no answer (NORMAL_CLEARING, SIP 480)'],
    [{ answered: false, hangupCause: 'USER_BUSY', sipStatus: 486 }, 'busy (USER_BUSY)'],
  ])('%j → %s', (attempt, text) => {
    expect(describeOutcome(classifyAttemptOutcome(attempt))).toBe(text);
  });
});
