import { describe, expect, it } from 'vitest';
import type { DocumentProjection, DocumentView } from '../../../projections/documentProjection.js';
import { faxProjection, type FaxView } from '../../../projections/faxProjection.js';
import { notificationProjection, type NotificationView } from '../../../projections/notificationProjection.js';
import { bucketKey, statsCollections as C, tenantScope } from '../../../projections/statsKeys.js';
import { createStatsProjection } from '../../../projections/statsProjection.js';
import { redactPersonal } from '../../support/redactPersonal.js';

type Given = { type: string; data: Record<string, unknown>; at: string };
type Documents = Map<string, Map<string, unknown>>;

/** Folds events through a projection as the runner does, one at a time, into documents in memory. */
function fold(projection: DocumentProjection, events: readonly Given[]): Documents {
  const documents: Documents = new Map();
  const view: DocumentView = { get: <T>(collection: string, key: string) => documents.get(collection)?.get(key) as T | undefined };
  events.forEach((event, index) => {
    if (!projection.handles.includes(event.type)) return;
    for (const write of projection.evolve(view, { type: event.type, data: event.data, stream: `fax-${String(event.data.faxId)}`, position: index + 1, created: event.at })) {
      if (!documents.has(write.collection)) documents.set(write.collection, new Map());
      if (write.doc === null) documents.get(write.collection)!.delete(write.key);
      else documents.get(write.collection)!.set(write.key, write.doc);
    }
  });
  for (const [collection, docs] of documents) if (docs.size === 0) documents.delete(collection);
  return documents;
}

const caller = '+15557770001';
const destination = '+15558880002';
const at = (second: number) => new Date(Date.parse('2026-12-01T10:00:00.000Z') + second * 1000).toISOString();
const ref = (faxId: string, sourceType: string) => ({
  notificationId: `n-${faxId}`,
  faxId,
  tenantId: 'acme',
  sourceEventId: `e-${faxId}`,
  sourceType,
  endpointId: null,
  target: { channel: 'email', to: ['dr.who@clinic.example'] },
});

/** An inbound fax received from `caller`, e-mailed once after a failed attempt. */
const inbound: Given[] = [
  { type: 'FaxCallOffered', data: { faxId: 'in1', direction: 'inbound', callUuid: 'c-in1', callerNumber: caller, callerName: 'Dr Who Clinic', toUser: '15550001000', sourceIp: '10.0.0.9', offeredAt: at(0) }, at: at(0) },
  { type: 'FaxCallAnswered', data: { faxId: 'in1', callUuid: 'c-in1', tenantId: 'acme', recipient: '+15550001000', sourceGateway: 'carrier1', t38Enabled: true, t38Requested: false, t38Policy: 'upstream', answeredAt: at(1) }, at: at(1) },
  { type: 'FaxNegotiated', data: { faxId: 'in1', callUuid: 'c-in1', negotiation: 1, transferRate: 14400, ecm: true, t38Status: 'negotiated', remoteIdent: 'WHO CLINIC 7770001' }, at: at(3) },
  { type: 'FaxPageTransferred', data: { faxId: 'in1', callUuid: 'c-in1', page: 1 }, at: at(20) },
  { type: 'FaxReceived', data: { faxId: 'in1', callUuid: 'c-in1', tenantId: 'acme', pages: 1, documentId: 'doc-in1', resultCode: 0, resultText: 'OK', t38Status: 'negotiated', transferRate: 14400, remoteIdent: 'WHO CLINIC 7770001', receivedAt: at(21) }, at: at(21) },
  { type: 'FaxCallEnded', data: { faxId: 'in1', callUuid: 'c-in1', hangupCause: 'NORMAL_CLEARING' }, at: at(22) },
  { type: 'NotificationAttemptFailed', data: { ...ref('in1', 'FaxRouted'), attempt: 1, failedAt: at(23), error: { kind: 'smtp_transient', message: '451 dr.who@clinic.example: try later', code: 451 }, permanent: false, nextAttemptAt: at(83) }, at: at(23) },
];
/** An outbound fax to `destination`: busy once, then sent; a webhook told of it. */
const outbound: Given[] = [
  { type: 'FaxQueued', data: { faxId: 'out1', direction: 'outbound', tenantId: 'acme', to: destination, from: '+15550001000', headerText: 'Smith v. Jones', files: [{ name: 'contract.pdf', contentType: 'application/pdf', bytes: 9 }], submittedBy: { kind: 'admin' }, queuedAt: at(0) }, at: at(0) },
  { type: 'FaxDocumentPrepared', data: { faxId: 'out1', documentId: 'doc-out1', pages: 2 }, at: at(1) },
  { type: 'FaxSendAttemptStarted', data: { faxId: 'out1', callUuid: 'c-out1-1', attempt: 1, gateway: 'carrier1', to: destination, transport: { ecm: true, v17: true, t38: true } }, at: at(2) },
  { type: 'FaxDialOverridesApplied', data: { faxId: 'out1', overrides: { fax_disable_v17: 'true' }, transport: { ecm: true, v17: false, t38: true } }, at: at(2) },
  { type: 'FaxSendAttemptFailed', data: { faxId: 'out1', callUuid: 'c-out1-1', attempt: 1, gateway: 'carrier1', to: destination, reason: 'busy', outcomeClass: 'busy', hangupCause: 'USER_BUSY', t30Code: 0, negotiations: 0, pagesSent: 0 }, at: at(10) },
  { type: 'FaxRetryScheduled', data: { faxId: 'out1', attempt: 1, retryAt: at(3700), transport: { ecm: true, v17: true, t38: true } }, at: at(10) },
  { type: 'FaxSendAttemptStarted', data: { faxId: 'out1', callUuid: 'c-out1-2', attempt: 2, gateway: 'carrier2', to: destination, transport: { ecm: true, v17: true, t38: true } }, at: at(3700) },
  { type: 'FaxCallAnswered', data: { faxId: 'out1', callUuid: 'c-out1-2' }, at: at(3705) },
  { type: 'FaxNegotiated', data: { faxId: 'out1', callUuid: 'c-out1-2', negotiation: 1, transferRate: 9600, ecm: true, t38Status: 'negotiated', remoteIdent: 'JONES LAW' }, at: at(3708) },
  { type: 'FaxSent', data: { faxId: 'out1', callUuid: 'c-out1-2', attempts: 2, gateway: 'carrier2', to: destination, pages: 2, t38Status: 'negotiated', transferRate: 9600, remoteIdent: 'JONES LAW', sentAt: at(3760) }, at: at(3760) },
  { type: 'NotificationSent', data: { ...ref('out1', 'FaxSent'), target: { channel: 'webhook', url: 'https://hooks.example/jones?case=42', style: 'json' }, attempt: 1, sentAt: at(3761), detail: { status: 200 } }, at: at(3761) },
];
/** Another fax from the same caller, not purged: the station keeps counting it. */
const other: Given[] = [
  { type: 'FaxCallOffered', data: { faxId: 'in2', direction: 'inbound', callUuid: 'c-in2', callerNumber: caller, offeredAt: at(30) }, at: at(30) },
  { type: 'FaxCallAnswered', data: { faxId: 'in2', callUuid: 'c-in2', tenantId: 'acme', recipient: '+15550001000', sourceGateway: 'carrier1', answeredAt: at(31) }, at: at(31) },
  { type: 'FaxReceiveFailed', data: { faxId: 'in2', callUuid: 'c-in2', tenantId: 'acme', resultCode: 48, resultText: 'Disconnected', reasonClass: 'line', pagesReceived: 0, partial: false, t38Status: 'off', negotiations: 0, badRows: 0, failedAt: at(40) }, at: at(40) },
];
const purged = (faxId: string, second: number): Given => ({ type: 'FaxPurged', data: { faxId, tenantId: 'acme', reason: 'request', purgedAt: at(second) }, at: at(second) });

const history = [...inbound, ...other, ...outbound];
const live = [...history, purged('in1', 90_000), purged('out1', 90_001)];
/** What a rebuild folds: the purged faxes' events as the event store reads them once their keys are gone. */
const rebuilt = [...history.map((event) => (['in1', 'out1'].includes(String(event.data.faxId)) ? redactPersonal(event) : event)), purged('in1', 90_000), purged('out1', 90_001)];
const personal = [caller, '7770001', destination, '8880002', 'Dr Who', 'WHO CLINIC', 'JONES LAW', 'doc-in1', 'doc-out1', 'dr.who@', 'hooks.example', 'Smith v. Jones', 'contract.pdf', '10.0.0.9'];
const text = (documents: Documents) => JSON.stringify([...documents].map(([collection, docs]) => [collection, [...docs]]));
const stats = createStatsProjection({ defaultCountry: 'US' });

describe('read models under a purge (FaxPurged)', () => {
  it('a purged fax keeps its id, tenant, direction, status, times, pages and result codes, marked purged, and nothing personal', () => {
    const faxes = fold(faxProjection, live).get('faxes')!;
    const received = faxes.get('in1') as FaxView;
    expect(received).toMatchObject({ faxId: 'in1', tenantId: 'acme', direction: 'inbound', status: 'received', pages: 1, createdAt: at(0), updatedAt: at(90_000), purged: true, purgedAt: at(90_000) });
    expect(received).toMatchObject({ from: null, to: null, callerName: null, remoteIdent: null, documentId: null, result: { code: 0, reasonClass: 'success' } });
    const sent = faxes.get('out1') as FaxView;
    expect(sent).toMatchObject({ status: 'sent', pages: 2, from: '+15550001000', to: null, remoteIdent: null, documentId: null, purged: true });
    expect(sent.outbound).toMatchObject({ attempts: 2, gateway: 'carrier2', pagesSent: 2, dialOverrides: null });
    expect((faxes.get('in2') as FaxView).from).toBe(caller);
    const purgedText = JSON.stringify([received, sent]);
    for (const value of personal) expect(purgedText, value).not.toContain(value);
  });

  it('a rejected fax loses the rejection text, which names the dialled number and the source address', () => {
    const rejected: Given[] = [
      { type: 'FaxCallOffered', data: { faxId: 'r1', direction: 'inbound', callUuid: 'c-r1', callerNumber: caller, toUser: '15559990000', sourceIp: '10.0.0.9', offeredAt: at(0) }, at: at(0) },
      { type: 'FaxCallRejected', data: { faxId: 'r1', callUuid: 'c-r1', sipCode: 404, reason: 'unknown_number', detail: '15559990000 does not belong to any tenant' }, at: at(0) },
      purged('r1', 100),
    ];
    const view = fold(faxProjection, rejected).get('faxes')!.get('r1') as FaxView;
    expect(view).toMatchObject({ status: 'rejected', to: null, from: null, result: { code: 404, text: '', reasonClass: 'unknown_number' }, purged: true });
    expect(fold(faxProjection, rejected.map(redactPersonal))).toEqual(fold(faxProjection, rejected));
  });

  it("a purged fax's notifications lose their addresses, URLs and error texts, and one still waiting is no longer tried", () => {
    const notifications = fold(notificationProjection, live).get('notifications')!;
    const email = notifications.get('n-in1') as NotificationView;
    expect(email).toMatchObject({ target: { channel: 'email', to: [] }, status: 'dead', nextAttemptAt: null, lastError: { kind: 'smtp_transient', message: '', code: 451 }, purged: true, purgedAt: at(90_000) });
    expect(notifications.get('n-out1')).toMatchObject({ target: { channel: 'webhook', url: '', style: 'json' }, status: 'sent', attempts: 1, purged: true });
    expect(text(fold(notificationProjection, live))).not.toMatch(/dr\.who|hooks\.example/);
  });

  it('statistics still count a purged fax in totals, per tenant and per gateway, and forget its station', () => {
    const before = fold(stats, history);
    const after = fold(stats, live);
    const hour = '2026-12-01T10';
    const all = (documents: Documents) => documents.get(C.hours)!.get(bucketKey('*', 'all', hour, '*'));
    expect(all(after)).toEqual(all(before));
    expect(after.get(C.hours)!.get(bucketKey(tenantScope('acme'), 'all', hour, '*'))).toEqual(before.get(C.hours)!.get(bucketKey(tenantScope('acme'), 'all', hour, '*')));
    expect(after.get(C.days)!.get(bucketKey(tenantScope('acme'), 'gw', '2026-12-01', 'carrier2'))).toEqual(before.get(C.days)!.get(bucketKey(tenantScope('acme'), 'gw', '2026-12-01', 'carrier2')));
    // The caller's station keeps only the fax not purged; the destination, only called by the purged fax, is gone.
    const station = (documents: Documents, collection: string, period: string, number: string) => documents.get(collection)!.get(bucketKey(tenantScope('acme'), 'st', period, number));
    expect(station(before, C.hours, hour, caller)).toMatchObject({ inbound: 2 });
    expect(station(after, C.hours, hour, caller)).toEqual({ inbound: 1, failed: 1, causes: { line: 1 } });
    expect(station(after, C.days, '2026-12-01', caller)).toEqual({ inbound: 1, failed: 1, causes: { line: 1 } });
    expect(text(before)).toContain(destination);
    expect(text(after)).not.toContain(destination);
    expect([...after.get(C.stationFacts)!.keys()]).toEqual(['in2']);
    // Facts keep their counts, tenant and gateway; only the other fax's still names the caller.
    expect([...after.get(C.facts)!.values()].filter((fact) => JSON.stringify(fact).includes(caller))).toHaveLength(1);
    expect(after.get(C.facts)!.size).toBe(before.get(C.facts)!.size);
  });

  it.each([
    ['faxes', faxProjection],
    ['notifications', notificationProjection],
    ['stats', stats],
  ] as const)('%s: a rebuild from the events the event store reads after the purge gives the rows of the live fold', (_, projection) => {
    const liveDocuments = fold(projection, live);
    const rebuiltDocuments = fold(projection, rebuilt);
    expect(rebuiltDocuments).toEqual(liveDocuments);
  });
});
