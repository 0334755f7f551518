import { describe, expect, it, vi } from 'vitest';
import { fromPromise } from 'xstate';
import { inboundFaxMachine, RESULT_AFTER_HANGUP_GRACE_MS } from '../../../machines/inboundFax.js';
import type { AcceptedCall, ScreeningDecision } from '../../../src/domain/fax/inboundScreening.js';
import { runMachine, settle } from '../../support/machineHarness.js';

const accepted: AcceptedCall = {
  kind: 'accept',
  tenantId: 'tenant-a',
  recipient: '+15551230000',
  sourceGateway: 'carrier1',
  t38Enabled: true,
  t38Requested: false,
  t38Policy: 'carrier gateway: T.38 allowed',
  stationIdent: '+1 555 123 0000',
  pageHeader: 'Acme',
  ringDelayMs: 0,
  silenceMs: 0,
  spoolPath: '/spool/fax-1.tif',
};
const input = {
  faxId: 'fax1',
  offeredAt: '2026-01-01T00:00:00.000Z',
  offer: { callUuid: 'uuid-1', callerNumber: '+15550001111', toUser: '15551230000', sourceIp: '10.0.0.1' },
};
const at = (second: number) => `2026-01-01T00:00:${String(second).padStart(2, '0')}.000Z`;

function given(decision: ScreeningDecision | Error, store: { documentId: string } | Error = { documentId: 'sha256-abc' }) {
  const respond = vi.fn();
  const startReceiving = vi.fn();
  const storeDocument = vi.fn(async () => {
    if (store instanceof Error) throw store;
    return store;
  });
  const machine = inboundFaxMachine.provide({
    actors: {
      screenCall: fromPromise(async () => {
        if (decision instanceof Error) throw decision;
        return decision;
      }),
      storeDocument: fromPromise(storeDocument),
    },
    actions: {
      respond: (_, params) => respond(params.sipCode),
      startReceiving: (_, params) => startReceiving(params.call),
    },
  });
  return { run: runMachine(machine, input), respond, startReceiving, storeDocument };
}

const negotiated = (second: number, t38Status: 'off' | 'negotiated' | 'refused' = 'off') =>
  ({ type: 'esl.fax.negotiated', at: at(second), transferRate: 14400, ecm: true, t38Status, remoteIdent: 'REMOTE' }) as const;
const page = (n: number, badRows = 0) =>
  ({ type: 'esl.fax.page', at: at(10 + n), page: n, resolution: '204x196', badRows, longestBadRowRun: badRows, encoding: 'T.4 2-D', imageBytes: 1000 }) as const;
const result = (second: number, code: number, pages: number, text = code === 0 ? 'OK' : 'The call dropped prematurely') =>
  ({ type: 'esl.fax.result', at: at(second), success: code === 0, code, text, pages, t38Status: 'off', transferRate: 14400, badRows: 0 }) as const;
const hangup = (second: number, cause = 'NORMAL_CLEARING') => ({ type: 'esl.channel.hangup', at: at(second), cause }) as const;

describe('inboundFax machine', () => {
  it('rejects an unknown number with 404 without answering', async () => {
    const { run, respond, startReceiving } = given({ kind: 'reject', sipCode: 404, reason: 'unknown_number', detail: 'no tenant for +15551239999' });
    await settle();
    expect(run.types()).toEqual(['FaxCallOffered', 'FaxCallRejected']);
    expect(run.last('FaxCallRejected')).toMatchObject({ sipCode: 404, reason: 'unknown_number', callUuid: 'uuid-1' });
    expect(respond).toHaveBeenCalledWith(404);
    expect(startReceiving).not.toHaveBeenCalled();
    expect(run.done()).toBe(true);
  });

  it('rejects an unknown source with 403, and a failed screening with 404', async () => {
    const source = given({ kind: 'reject', sipCode: 403, reason: 'unknown_source', detail: '10.0.0.1 is not a gateway' });
    await settle();
    expect(source.respond).toHaveBeenCalledWith(403);
    const broken = given(new Error('read store down'));
    await settle();
    expect(broken.respond).toHaveBeenCalledWith(404);
    expect(broken.run.last('FaxCallRejected')).toMatchObject({ detail: 'screening failed' });
  });

  it('answers, follows negotiation and pages, stores the document and ends on hang-up', async () => {
    const { run, startReceiving, storeDocument } = given(accepted);
    await settle();
    expect(startReceiving).toHaveBeenCalledWith(accepted);
    expect(run.state()).toBe('answering');
    run.send({ type: 'esl.channel.answered', at: at(1) }, negotiated(2), page(1), page(2), result(20, 0, 2));
    await settle();
    expect(storeDocument).toHaveBeenCalledWith(expect.objectContaining({ input: { spoolPath: '/spool/fax-1.tif', faxId: 'fax1' } }));
    expect(run.state()).toBe('finishing');
    run.send(hangup(21));
    expect(run.types()).toEqual([
      'FaxCallOffered',
      'FaxCallAnswered',
      'FaxNegotiated',
      'FaxPageTransferred',
      'FaxPageTransferred',
      'FaxReceived',
      'FaxCallEnded',
    ]);
    expect(run.last('FaxCallAnswered')).toMatchObject({ tenantId: 'tenant-a', t38Enabled: true, stationIdent: '+1 555 123 0000', answeredAt: at(1) });
    expect(run.last('FaxNegotiated')).toMatchObject({ negotiation: 1, transferRate: 14400, ecm: true, remoteIdent: 'REMOTE' });
    expect(run.last('FaxReceived')).toMatchObject({ pages: 2, documentId: 'sha256-abc', resultCode: 0, remoteIdent: 'REMOTE', receivedAt: at(20) });
    expect(run.last('FaxCallEnded')).toEqual({ faxId: 'fax1', callUuid: 'uuid-1', hangupCause: 'NORMAL_CLEARING', endedAt: at(21) });
    expect(run.done()).toBe(true);
  });

  it('keeps a fax dropped mid-way as partial when the code-49 result follows the hang-up', async () => {
    const { run, storeDocument } = given(accepted);
    await settle();
    run.send({ type: 'esl.channel.answered', at: at(1) }, negotiated(2), page(1), hangup(15, 'NORMAL_CLEARING'));
    expect(run.state()).toBe('awaitingResult');
    run.send(result(16, 49, 1));
    await settle();
    expect(storeDocument).toHaveBeenCalledOnce();
    expect(run.last('FaxReceiveFailed')).toMatchObject({
      resultCode: 49,
      reasonClass: 'call_dropped',
      pagesReceived: 1,
      documentId: 'sha256-abc',
      partial: true,
      hangupCause: 'NORMAL_CLEARING',
    });
    expect(run.types().at(-1)).toBe('FaxCallEnded');
    expect(run.done()).toBe(true);
  });

  it('gives up waiting for a result after the grace period and records a drop without pages', async () => {
    const { run, storeDocument } = given(accepted);
    await settle();
    run.send({ type: 'esl.channel.answered', at: at(1) }, hangup(3, 'NO_USER_RESPONSE'));
    run.clock.increment(RESULT_AFTER_HANGUP_GRACE_MS - 1);
    expect(run.state()).toBe('awaitingResult');
    run.clock.increment(1);
    expect(storeDocument).not.toHaveBeenCalled();
    expect(run.last('FaxReceiveFailed')).toMatchObject({ resultCode: 49, reasonClass: 'no_fax_detected', pagesReceived: 0, partial: false });
    expect(run.done()).toBe(true);
  });

  it('records a training failure with its class, negotiations and T.38 status, storing nothing', async () => {
    const { run, storeDocument } = given(accepted);
    await settle();
    run.send({ type: 'esl.channel.answered', at: at(1) }, negotiated(2, 'negotiated'), negotiated(5, 'negotiated'), result(30, 48, 0, 'Disconnected after permitted retries'));
    expect(storeDocument).not.toHaveBeenCalled();
    expect(run.last('FaxReceiveFailed')).toMatchObject({ resultCode: 48, reasonClass: 'negotiation_failed', negotiations: 2, t38Status: 'off' });
    run.send(hangup(31));
    expect(run.done()).toBe(true);
  });

  it('ends when the caller hangs up before we answer', async () => {
    const { run } = given(accepted);
    await settle();
    run.send(hangup(1, 'ORIGINATOR_CANCEL'));
    expect(run.types()).toEqual(['FaxCallOffered', 'FaxReceiveFailed', 'FaxCallEnded']);
    expect(run.last('FaxCallEnded')).toMatchObject({ hangupCause: 'ORIGINATOR_CANCEL' });
  });

  it('marks the fax interrupted, keeping written pages, when the event socket drops mid-fax', async () => {
    const { run, storeDocument } = given(accepted);
    await settle();
    run.send({ type: 'esl.channel.answered', at: at(1) }, negotiated(2), page(1), { type: 'esl.connection.lost', at: at(12) });
    await settle();
    expect(storeDocument).toHaveBeenCalledOnce();
    expect(run.last('FaxReceiveInterrupted')).toMatchObject({ reason: 'connection_lost', pagesReceived: 1, documentId: 'sha256-abc', interruptedAt: at(12) });
    expect(run.last('FaxCallEnded')).toMatchObject({ hangupCause: 'CONNECTION_LOST' });
    expect(run.done()).toBe(true);
  });

  it('reports a document that could not be stored as a failure, without losing the result', async () => {
    const { run } = given(accepted, new Error('disk full'));
    await settle();
    run.send({ type: 'esl.channel.answered', at: at(1) }, negotiated(2), page(1), result(20, 0, 1), hangup(21));
    await settle();
    expect(run.last('FaxReceiveFailed')).toMatchObject({ resultCode: 0, reasonClass: 'storage_failed', pagesReceived: 1, partial: false });
    expect(run.done()).toBe(true);
  });

  it('bridges live to a PBX and judges the result by the hang-up cause', async () => {
    const bridge = { kind: 'bridge' as const, tenantId: 't', recipient: '+15551230000', sourceGateway: 'carrier1', bridgeGateway: 'pbx', t38Enabled: true, t38Requested: false, t38Policy: 'p' };
    const startBridge = vi.fn();
    const machine = inboundFaxMachine.provide({
      actors: { screenCall: fromPromise(async (): Promise<ScreeningDecision> => bridge) },
      actions: { startBridge: (_, params) => startBridge(params.bridge) },
    });
    const run = runMachine(machine, input);
    await settle();
    expect(startBridge).toHaveBeenCalledWith(bridge);
    run.send({ type: 'esl.channel.answered', at: at(2) }, hangup(40));
    expect(run.types()).toEqual(['FaxCallOffered', 'FaxBridged', 'FaxCallEnded']);
    expect(run.last('FaxBridged')).toMatchObject({ gateway: 'pbx', success: true, answeredAt: at(2), endedAt: at(40) });

    const unanswered = runMachine(machine, input);
    await settle();
    unanswered.send(hangup(30, 'NO_ANSWER'));
    expect(unanswered.last('FaxBridged')).toMatchObject({ success: false, hangupCause: 'NO_ANSWER' });
    expect(unanswered.done()).toBe(true);
  });
});
