import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/ports/eventStore.js';
import { foldOutboundFax } from '../../../src/runtime/restoreOutboundFax.js';

const stream = 'fax-f1';
const recorded = (events: Array<[string, Record<string, unknown>]>): RecordedEvent[] =>
  events.map(([type, data], revision) => ({ id: `e${revision}`, stream, type, data: { faxId: 'f1', ...data }, metadata: {}, revision, position: revision, created: '2026-12-06T10:00:00.000Z' }));

const queued = { direction: 'outbound', tenantId: 't1', to: '+15557654321', from: '+15551230000', resolution: 'fine', pageSize: 'letter', files: [], submittedBy: { kind: 'admin' }, queuedAt: '2026-12-06T10:00:00.000Z' };
const policyTransport = { ecm: true, v17: true, t38: true };

describe('folding an outbound fax that was in a call', () => {
  it('keeps what the negotiation said (rate, T.38, ECM, remote ident) and the bad rows, as the live actor had them', () => {
    const record = foldOutboundFax(
      recorded([
        ['FaxQueued', queued],
        ['FaxDocumentPrepared', { documentId: 'd1', pages: 3 }],
        ['FaxSendAttemptStarted', { attempt: 1, gateway: 'gw1', callUuid: 'c1', transport: policyTransport, startedAt: '2026-12-06T10:00:01.000Z' }],
        ['FaxCallAnswered', { direction: 'outbound', callUuid: 'c1' }],
        ['FaxNegotiated', { callUuid: 'c1', negotiation: 0, transferRate: 14400, ecm: true, t38Status: 'off' }],
        ['FaxNegotiated', { callUuid: 'c1', negotiation: 1, transferRate: 9600, ecm: true, t38Status: 'negotiated', remoteIdent: 'REMOTE 1' }],
        ['FaxPageTransferred', { callUuid: 'c1', page: 1, badRows: 3 }],
        ['FaxPageTransferred', { callUuid: 'c1', page: 2, badRows: 2 }],
      ]),
    )!;
    expect(record.inCall).toEqual({
      callUuid: 'c1',
      gateway: 'gw1',
      startedAt: '2026-12-06T10:00:01.000Z',
      answered: true,
      negotiations: 2,
      pagesSent: 2,
      badRows: 5,
      t38Status: 'negotiated',
      transferRate: 9600,
      ecmUsed: true,
      remoteIdent: 'REMOTE 1',
      cancelRequested: false,
    });
  });

  it('keeps the transport the call was really dialled with when per-number overrides replaced the policy’s', () => {
    const record = foldOutboundFax(
      recorded([
        ['FaxQueued', queued],
        ['FaxDocumentPrepared', { documentId: 'd1', pages: 3 }],
        ['FaxSendAttemptStarted', { attempt: 1, gateway: 'gw1', callUuid: 'c1', transport: policyTransport, startedAt: '2026-12-06T10:00:01.000Z' }],
        ['FaxDialOverridesApplied', { attempt: 1, callUuid: 'c1', overrides: { fax_enable_t38: 'false' }, transport: { ecm: true, v17: true, t38: false } }],
      ]),
    )!;
    expect(record.inCall?.transport).toEqual({ ecm: true, v17: true, t38: false });
    // The next attempts start from the policy's transport again: the overrides are read at every dial.
    expect(record.transport).toEqual(policyTransport);
  });
});
