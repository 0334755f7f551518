import { describe, expect, it } from 'vitest';
import type { DocumentView } from '../../../projections/documentProjection.js';
import type { StatsCounters } from '../../../projections/statsCounters.js';
import { bucketKey, globalScope, statsCollections as C, tenantScope } from '../../../projections/statsKeys.js';
import { createStatsProjection } from '../../../projections/statsProjection.js';

const projection = createStatsProjection({ defaultCountry: 'US' });
type Given = { type: string; data: Record<string, unknown>; at: string };

/** Folds events as the runner does, one at a time, into documents in memory; answers them by collection. */
function fold(events: Given[]): Map<string, Map<string, unknown>> {
  const documents = new Map<string, Map<string, unknown>>(Object.values(C).map((collection) => [collection, new Map()]));
  const view: DocumentView = { get: <T>(collection: string, key: string) => documents.get(collection)?.get(key) as T | undefined };
  events.forEach((event, index) => {
    if (!projection.handles.includes(event.type)) return;
    for (const write of projection.evolve(view, { type: event.type, data: event.data, stream: 'fax-x', position: index + 1, created: event.at })) {
      if (write.doc === null) documents.get(write.collection)!.delete(write.key);
      else documents.get(write.collection)!.set(write.key, write.doc);
    }
  });
  return documents;
}
const bucket = (documents: Map<string, Map<string, unknown>>, key: string) => documents.get(C.hours)!.get(key) as StatsCounters | undefined;
const faxId = 'f1';

describe('statistics projection', () => {
  it('counts a cancelled fax apart, where its last attempt went, and forgets the fax', () => {
    const documents = fold([
      { type: 'FaxQueued', data: { faxId, tenantId: 'acme', to: '+15550001111' }, at: '2026-03-09T10:00:00.000Z' },
      { type: 'FaxSendAttemptStarted', data: { faxId, attempt: 1, gateway: 'carrier|one', transport: { t38: true } }, at: '2026-03-09T10:00:01.000Z' },
      { type: 'FaxSendAttemptFailed', data: { faxId, attempt: 1, gateway: 'carrier|one', outcomeClass: 'busy', negotiations: 0, pagesSent: 0 }, at: '2026-03-09T10:00:30.000Z' },
      { type: 'FaxCancelled', data: { faxId, tenantId: 'acme', during: 'waiting' }, at: '2026-03-09T11:05:00.000Z' },
    ]);
    const key = (hour: string) => bucketKey(tenantScope('acme'), 'gw', hour, 'carrier|one');
    expect(bucket(documents, key('2026-03-09T10'))).toEqual({ attempts: 1, attemptCauses: { busy: 1 } });
    expect(bucket(documents, key('2026-03-09T11'))).toEqual({ cancelled: 1 });
    // The id is encoded: a `|` in a gateway name cannot shift the key's fields.
    expect(key('2026-03-09T11')).toBe('t:acme|gw|2026-03-09T11|carrier%7Cone');
    expect(documents.get(C.inFlight)!.size).toBe(0);
    expect(documents.get(C.facts)!.size).toBe(2);
  });

  it('counts a received fax lost mid-call as failed (`interrupted`), with its pages and transport', () => {
    const documents = fold([
      { type: 'FaxCallOffered', data: { faxId, callerNumber: '555 000 2222' }, at: '2026-03-09T10:00:00.000Z' },
      { type: 'FaxCallAnswered', data: { faxId, tenantId: 'acme', sourceGateway: 'carrier1' }, at: '2026-03-09T10:00:01.000Z' },
      { type: 'FaxNegotiated', data: { faxId, t38Status: 'negotiated' }, at: '2026-03-09T10:00:05.000Z' },
      { type: 'FaxPageTransferred', data: { faxId, page: 1 }, at: '2026-03-09T10:00:35.000Z' },
      { type: 'FaxReceiveInterrupted', data: { faxId, tenantId: 'acme', reason: 'restart', pagesReceived: 1 }, at: '2026-03-09T10:01:00.000Z' },
    ]);
    // A tenant's fax counts per station in its tenant's series; the admins' station figures sum those.
    expect(bucket(documents, bucketKey(globalScope, 'st', '2026-03-09T10', '+15550002222'))).toBeUndefined();
    expect(bucket(documents, bucketKey(tenantScope('acme'), 'st', '2026-03-09T10', '+15550002222'))).toEqual({
      inbound: 1,
      failed: 1,
      causes: { interrupted: 1 },
      pages: 1,
      timedPages: 1,
      transferMs: 30_000,
      t38: 1,
    });
    expect(documents.get(C.inFlight)!.size).toBe(0);
  });

  it('counts nothing for calls that never became faxes, and forgets them', () => {
    const documents = fold([
      { type: 'FaxCallOffered', data: { faxId: 'hung-up', callerNumber: '5550002222' }, at: '2026-03-09T10:00:00.000Z' },
      { type: 'FaxCallEnded', data: { faxId: 'hung-up', hangupCause: 'ORIGINATOR_CANCEL' }, at: '2026-03-09T10:00:02.000Z' },
      { type: 'FaxCallOffered', data: { faxId: 'bridged', callerNumber: '5550002222' }, at: '2026-03-09T10:00:00.000Z' },
      { type: 'FaxCallAnswered', data: { faxId: 'bridged', tenantId: 'acme', sourceGateway: 'pbx' }, at: '2026-03-09T10:00:01.000Z' },
      { type: 'FaxBridged', data: { faxId: 'bridged', tenantId: 'acme', success: true }, at: '2026-03-09T10:02:00.000Z' },
      { type: 'FaxSent', data: { faxId: 'unknown-fax', pages: 1 }, at: '2026-03-09T10:03:00.000Z' },
      { type: 'FaxSent', data: { pages: 1 }, at: '2026-03-09T10:03:00.000Z' },
      { type: 'StationFallbackEnabled', data: { reason: 'no station' }, at: '2026-03-09T10:03:00.000Z' },
    ]);
    for (const collection of Object.values(C)) expect(documents.get(collection)!.size, collection).toBe(0);
  });

  it('takes every time from the events: the same events fold to the same buckets, whenever they are folded', () => {
    const events: Given[] = [
      { type: 'FaxQueued', data: { faxId, tenantId: 'acme', to: '+15550001111' }, at: '2026-03-09T23:59:59.500Z' },
      { type: 'FaxSendAttemptStarted', data: { faxId, attempt: 1, gateway: 'carrier1', transport: { t38: false } }, at: '2026-03-09T23:59:59.600Z' },
      { type: 'FaxNegotiated', data: { faxId, t38Status: 'off' }, at: '2026-03-09T23:59:59.700Z' },
      { type: 'FaxSent', data: { faxId, gateway: 'carrier1', pages: 1, t38Status: 'off' }, at: '2026-03-10T00:00:00.100Z' },
    ];
    const first = fold(events);
    expect([...first.get(C.days)!.keys()].every((key) => key.includes('|2026-03-10|'))).toBe(true);
    expect(first.get(C.days)!.get(bucketKey(globalScope, 'all', '2026-03-10', '*'))).toEqual({ outbound: 1, succeeded: 1, outboundSucceeded: 1, attempts: 1, pages: 1, timedPages: 1, transferMs: 400, audio: 1 });
    expect(fold(events)).toEqual(first);
  });
});
