/**
 * A scripted mix of faxes for the statistics tests, as the server's send and receive paths write
 * their streams (event types and fields of src/domain/outbound/outboundFaxContext.ts and
 * src/domain/fax/inboundFaxEvents.ts), each event with the time it happens.
 */
export interface TimedEvent {
  stream: string;
  type: string;
  data: Record<string, unknown>;
  at: string;
}

export const stations = { s1: '+14445550101', s2: '+14445550102', s3: '+14445550103' } as const;
const t38 = { ecm: true, v17: true, t38: true };
const audio = { ecm: true, v17: true, t38: false };

type Step = [seconds: number, type: string, data: Record<string, unknown>];

function timed(faxId: string, startMs: number, steps: Step[]): TimedEvent[] {
  return steps.map(([seconds, type, data]) => ({ stream: `fax-${faxId}`, type, data: { faxId, ...data }, at: new Date(startMs + seconds * 1000).toISOString() }));
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Queued with its document, as the submission path appends them together. */
function queued(tenantId: string, to: string, pages: number, at: number): Step[] {
  return [
    [0, 'FaxQueued', { direction: 'outbound', tenantId, to, from: '+15551230001', resolution: 'fine', pageSize: 'letter', files: [{ name: 'a.pdf', contentType: 'application/pdf', bytes: 9000 }], submittedBy: { kind: 'admin' }, queuedAt: iso(at) }],
    [0, 'FaxDocumentPrepared', { documentId: `doc-${to}-${at}`, pages }],
  ];
}

const started = (faxId: string, attempt: number, gateway: string, to: string, transport: object, at: number, s: number): Step =>
  [s, 'FaxSendAttemptStarted', { attempt, gateway, callUuid: `${faxId}-${attempt}`, to, transport, startedAt: iso(at + s * 1000) }];
const answeredOut = (faxId: string, attempt: number, gateway: string, at: number, s: number): Step =>
  [s, 'FaxCallAnswered', { direction: 'outbound', callUuid: `${faxId}-${attempt}`, gateway, answeredAt: iso(at + s * 1000) }];
const negotiated = (callUuid: string, t38Status: string, s: number): Step => [s, 'FaxNegotiated', { callUuid, negotiation: 1, transferRate: 14400, ecm: true, t38Status }];
const page = (callUuid: string, number: number, s: number): Step => [s, 'FaxPageTransferred', { callUuid, page: number, resolution: '204x196', badRows: 0, longestBadRowRun: 0, encoding: 'MMR', imageBytes: 30_000 }];
const attemptFailed = (faxId: string, attempt: number, gateway: string, to: string, outcomeClass: string, extra: Record<string, unknown>, s: number): Step => [
  s,
  'FaxSendAttemptFailed',
  { attempt, gateway, callUuid: `${faxId}-${attempt}`, outcomeClass, reason: outcomeClass, answered: false, pagesSent: 0, to, t38Enabled: true, t38Status: 'off', negotiations: 0, badRows: 0, t38Trouble: false, recordStationT38Trouble: false, ...extra },
];
const retry = (nextAttempt: number, gateway: string, transport: object, at: number, s: number): Step =>
  [s, 'FaxRetryScheduled', { nextAttempt, retryAt: iso(at + (s + 60) * 1000), gateway, transport, cooldowns: {}, history: [] }];
const sent = (faxId: string, attempt: number, tenantId: string, to: string, gateway: string, pages: number, t38Status: string, at: number, s: number): Step => [
  s,
  'FaxSent',
  { tenantId, to, from: '+15551230001', pages, attempts: attempt, gateway, callUuid: `${faxId}-${attempt}`, transferRate: 14400, t38Enabled: t38Status === 'negotiated', t38Status, negotiations: 1, sentAt: iso(at + s * 1000), attemptLog: [] },
];

/** G1: sent at the first attempt through gwA over T.38, 2 pages in 60 s (negotiation at +10, pages at +40 and +70). */
export function sentFirstTry(faxId: string, tenantId: string, to: string, at: number): TimedEvent[] {
  const call = `${faxId}-1`;
  return timed(faxId, at, [...queued(tenantId, to, 2, at), started(faxId, 1, 'gwA', to, t38, at, 1), answeredOut(faxId, 1, 'gwA', at, 8), negotiated(call, 'negotiated', 10), page(call, 1, 40), page(call, 2, 70), sent(faxId, 1, tenantId, to, 'gwA', 2, 'negotiated', at, 75)]);
}

/** G2: busy on gwA, then sent through gwB in audio (the far end took no T.38), 1 page in 30 s. */
export function busyThenSent(faxId: string, tenantId: string, to: string, at: number): TimedEvent[] {
  const call = `${faxId}-2`;
  return timed(faxId, at, [
    ...queued(tenantId, to, 1, at),
    started(faxId, 1, 'gwA', to, t38, at, 1),
    attemptFailed(faxId, 1, 'gwA', to, 'busy', { hangupCause: 'USER_BUSY', sipStatus: 486 }, 31),
    retry(2, 'gwB', t38, at, 31),
    started(faxId, 2, 'gwB', to, t38, at, 120),
    answeredOut(faxId, 2, 'gwB', at, 128),
    negotiated(call, 'off', 130),
    page(call, 1, 160),
    sent(faxId, 2, tenantId, to, 'gwB', 1, 'off', at, 165),
  ]);
}

/** G3: T.38 page transfer failure on gwB after 1 page (30 s), retried in audio (a fallback) on gwB: 3 pages in 90 s. */
export function fallbackThenSent(faxId: string, tenantId: string, to: string, at: number): TimedEvent[] {
  const first = `${faxId}-1`;
  const second = `${faxId}-2`;
  return timed(faxId, at, [
    ...queued(tenantId, to, 3, at),
    started(faxId, 1, 'gwB', to, t38, at, 1),
    answeredOut(faxId, 1, 'gwB', at, 8),
    negotiated(first, 'negotiated', 10),
    page(first, 1, 40),
    attemptFailed(faxId, 1, 'gwB', to, 'pageTransferFailure', { answered: true, pagesSent: 1, t30Code: 49, t30Text: 'The call dropped prematurely', t38Status: 'negotiated', negotiations: 1, t38Trouble: true }, 60),
    retry(2, 'gwB', audio, at, 60),
    started(faxId, 2, 'gwB', to, audio, at, 180),
    answeredOut(faxId, 2, 'gwB', at, 188),
    negotiated(second, 'off', 190),
    page(second, 1, 220),
    page(second, 2, 250),
    page(second, 3, 280),
    sent(faxId, 2, tenantId, to, 'gwB', 3, 'off', at, 285),
  ]);
}

/** G4: three unanswered attempts through gwA, then given up. */
export function noAnswerFailed(faxId: string, tenantId: string, to: string, at: number): TimedEvent[] {
  const steps: Step[] = [...queued(tenantId, to, 1, at)];
  for (const [attempt, s] of [[1, 1], [2, 100], [3, 200]] as const) {
    steps.push(started(faxId, attempt, 'gwA', to, t38, at, s), attemptFailed(faxId, attempt, 'gwA', to, 'noAnswer', { hangupCause: 'NO_ANSWER' }, s + 60));
    if (attempt < 3) steps.push(retry(attempt + 1, 'gwA', t38, at, s + 60));
  }
  steps.push([260, 'FaxFailed', { tenantId, to, from: '+15551230001', pages: 1, attempts: 3, outcomeClass: 'noAnswer', maybeSent: false, reason: 'no answer', attemptLog: [] }]);
  return timed(faxId, at, steps);
}

function offeredAnswered(faxId: string, tenantId: string, caller: string, gateway: string, t38Enabled: boolean, at: number): Step[] {
  return [
    [0, 'FaxCallOffered', { direction: 'inbound', callUuid: `${faxId}-in`, callerNumber: caller, toUser: '15551230001', sourceIp: '10.0.0.1', gatewayName: gateway, offeredAt: iso(at) }],
    [1, 'FaxCallAnswered', { callUuid: `${faxId}-in`, tenantId, recipient: '+15551230001', sourceGateway: gateway, t38Enabled, t38Requested: false, t38Policy: 'gateway', answeredAt: iso(at + 1000) }],
  ];
}

/** G5: received through gwA over T.38, 4 pages in 75 s (negotiation at +5, pages at +35…+80). */
export function received(faxId: string, tenantId: string, caller: string, at: number): TimedEvent[] {
  const call = `${faxId}-in`;
  return timed(faxId, at, [
    ...offeredAnswered(faxId, tenantId, caller, 'gwA', true, at),
    negotiated(call, 'negotiated', 5),
    page(call, 1, 35),
    page(call, 2, 50),
    page(call, 3, 65),
    page(call, 4, 80),
    [85, 'FaxReceived', { callUuid: call, tenantId, pages: 4, documentId: `doc-${faxId}`, resultCode: 0, resultText: 'OK', t38Status: 'negotiated', transferRate: 14400, receivedAt: iso(at + 85_000) }],
    [86, 'FaxCallEnded', { callUuid: call, hangupCause: 'NORMAL_CLEARING', endedAt: iso(at + 86_000) }],
  ]);
}

/** G6: through gwB in audio, 1 page in 30 s, then the page transfer failed. */
export function receivePageFailure(faxId: string, tenantId: string, caller: string, at: number): TimedEvent[] {
  const call = `${faxId}-in`;
  return timed(faxId, at, [
    ...offeredAnswered(faxId, tenantId, caller, 'gwB', false, at),
    negotiated(call, 'off', 5),
    page(call, 1, 35),
    [60, 'FaxReceiveFailed', { callUuid: call, tenantId, resultCode: 26, resultText: 'Carrier lost during fax receive', reasonClass: 'page_transfer_failed', pagesReceived: 1, documentId: `doc-${faxId}`, partial: true, t38Status: 'off', negotiations: 1, badRows: 0, failedAt: iso(at + 60_000) }],
    [61, 'FaxCallEnded', { callUuid: call, hangupCause: 'NORMAL_CLEARING', endedAt: iso(at + 61_000) }],
  ]);
}

/** G7: through gwB, no fax tone ever: nothing negotiated. */
export function receiveNoFax(faxId: string, tenantId: string, caller: string, at: number): TimedEvent[] {
  const call = `${faxId}-in`;
  return timed(faxId, at, [
    ...offeredAnswered(faxId, tenantId, caller, 'gwB', false, at),
    [40, 'FaxReceiveFailed', { callUuid: call, tenantId, resultCode: 2, resultText: 'Timed out waiting for initial communication', reasonClass: 'no_fax_detected', pagesReceived: 0, partial: false, t38Status: 'off', negotiations: 0, badRows: 0, failedAt: iso(at + 40_000) }],
    [41, 'FaxCallEnded', { callUuid: call, hangupCause: 'NORMAL_CLEARING', endedAt: iso(at + 41_000) }],
  ]);
}

/** A call refused before it was answered: not a fax, never counted. */
export function rejected(faxId: string, at: number): TimedEvent[] {
  return timed(faxId, at, [
    [0, 'FaxCallOffered', { direction: 'inbound', callUuid: `${faxId}-in`, callerNumber: '4445550101', toUser: '5550000000', offeredAt: iso(at) }],
    [0, 'FaxCallRejected', { callUuid: `${faxId}-in`, sipCode: 404, reason: 'unknown_number', detail: 'no tenant has 5550000000' }],
    [1, 'FaxCallEnded', { callUuid: `${faxId}-in`, hangupCause: 'UNALLOCATED_NUMBER', endedAt: iso(at + 1000) }],
  ]);
}

/**
 * The 100 faxes: 60 outbound on 2026-03-09 from 18:00 UTC, one every 5 minutes (G1 ×30 acme → s1,
 * G2 ×10 acme → s2, G3 ×10 globex → s3, G4 ×10 globex → s1), 40 inbound on 2026-03-10 from 01:00
 * UTC (G5 ×25 acme ← s2, G6 ×10 globex ← s3, G7 ×5 acme ← s1, callers signalled as national digits
 * or E.164), two rejected calls, and station s3 switched to audio at 2026-03-09T20:00Z. Ordered by time.
 */
export function scriptedMix(acme: string, globex: string): TimedEvent[] {
  const events: TimedEvent[] = [];
  const out = Date.parse('2026-03-09T18:00:00Z');
  for (let j = 0; j < 60; j++) {
    const at = out + j * 300_000;
    const faxId = `out-${j}`;
    if (j < 30) events.push(...sentFirstTry(faxId, acme, stations.s1, at));
    else if (j < 40) events.push(...busyThenSent(faxId, acme, stations.s2, at));
    else if (j < 50) events.push(...fallbackThenSent(faxId, globex, stations.s3, at));
    else events.push(...noAnswerFailed(faxId, globex, stations.s1, at));
  }
  const inbound = Date.parse('2026-03-10T01:00:00Z');
  for (let j = 0; j < 40; j++) {
    const at = inbound + j * 300_000;
    const faxId = `in-${j}`;
    if (j < 25) events.push(...received(faxId, acme, '4445550102', at));
    else if (j < 35) events.push(...receivePageFailure(faxId, globex, stations.s3, at));
    else events.push(...receiveNoFax(faxId, acme, '(444) 555-0101', at));
  }
  events.push(...rejected('rejected-1', Date.parse('2026-03-10T02:02:00Z')), ...rejected('rejected-2', Date.parse('2026-03-10T03:03:00Z')));
  events.push({ stream: `station-${stations.s3}`, type: 'StationFallbackEnabled', data: { station: stations.s3, reason: '2 T.38 failure(s)', by: 'policy', at: '2026-03-09T20:00:00.000Z' }, at: '2026-03-09T20:00:00.000Z' });
  return events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}
