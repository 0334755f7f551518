import { describe, expect, it } from 'vitest';
import { stagedView, type DocumentView } from '../../../projections/documentProjection.js';
import { retentionCollections as R, retentionProjection, type RetentionEntry } from '../../../projections/retentionProjection.js';
import { decidePurgeRequest } from '../../../src/domain/fax/purgeDecision.js';
import { retentionDaysFor } from '../../../src/reactors/retentionSweep.js';

/** Folds events through the projection into one map per collection (what the read store would hold). */
function fold(events: Array<{ type: string; data: Record<string, unknown>; created?: string }>) {
  const store = new Map<string, Map<string, unknown>>();
  const view: DocumentView = { get: <T>(collection: string, key: string) => store.get(collection)?.get(key) as T | undefined };
  events.forEach((event, index) => {
    const staged = stagedView(view);
    for (const write of retentionProjection.evolve(staged, { ...event, stream: `fax-${String(event.data.faxId)}`, position: index + 1, created: event.created ?? '2026-01-01T00:00:00.000Z' })) {
      let collection = store.get(write.collection);
      if (!collection) store.set(write.collection, (collection = new Map()));
      if (write.doc === null) collection.delete(write.key);
      else collection.set(write.key, write.doc);
    }
  });
  return (collection: string) => [...(store.get(collection)?.keys() ?? [])].sort();
}

const received = (faxId: string, documentId: string) => [
  { type: 'FaxCallOffered', data: { faxId, callerNumber: '5550001111' } },
  { type: 'FaxCallAnswered', data: { faxId, tenantId: 't1', recipient: '+15551230000' } },
  { type: 'FaxReceived', data: { faxId, tenantId: 't1', documentId } },
  { type: 'FaxCallEnded', data: { faxId }, created: '2026-01-02T10:00:00.000Z' },
];

describe('retention read model', () => {
  it('lists an ended fax as due under its tenant and end time, and its document as used by it', () => {
    const keys = fold(received('a', 'sha256-1'));
    expect(keys(R.due)).toEqual(['t1|2026-01-02T10:00:00.000Z|a']);
    expect(keys(R.documentRefs)).toEqual(['sha256-1|a']);
    expect(keys(R.pending)).toEqual([]);
  });

  it('takes a fax out of the due list when its purge is asked for, and drops its document references and ids once purged', () => {
    const events = [...received('a', 'sha256-1'), ...received('b', 'sha256-1'), { type: 'FaxPurgeRequested', data: { faxId: 'a' } }];
    let keys = fold(events);
    expect(keys(R.due)).toEqual(['t1|2026-01-02T10:00:00.000Z|b']);
    expect(keys(R.pending)).toEqual(['a']);
    expect(keys(R.documentRefs)).toEqual(['sha256-1|a', 'sha256-1|b']);
    keys = fold([...events, { type: 'FaxPurged', data: { faxId: 'a' } }]);
    expect(keys(R.pending)).toEqual([]);
    expect(keys(R.documentRefs)).toEqual(['sha256-1|b']);
  });

  it('keeps no document id of a purged fax', () => {
    const store = new Map<string, unknown>();
    const view: DocumentView = { get: <T>(_: string, key: string) => store.get(key) as T | undefined };
    for (const [index, event] of [...received('a', 'sha256-1'), { type: 'FaxPurged', data: { faxId: 'a' } }].entries()) {
      for (const write of retentionProjection.evolve(view, { ...event, stream: 'fax-a', position: index + 1, created: '2026-01-03T00:00:00.000Z' })) {
        if (write.collection === R.faxes) store.set(write.key, write.doc);
      }
    }
    expect(store.get('a') as RetentionEntry).toMatchObject({ purge: 'purged', documentIds: [], tenantId: 't1' });
  });
});

describe('purge decision', () => {
  const by = { kind: 'admin' } as const;
  const at = '2026-01-03T00:00:00.000Z';
  const history = received('a', 'sha256-1');
  it('is refused while the call goes on, and for no fax', () => {
    expect(decidePurgeRequest(history.slice(0, 3), 'request', by, at)).toEqual({ refused: 'in_progress' });
    expect(decidePurgeRequest([], 'request', by, at)).toEqual({ refused: 'not_found' });
    expect(decidePurgeRequest([{ type: 'TenantCreated', data: {} }], 'request', by, at)).toEqual({ refused: 'not_found' });
  });
  it('asks once the call is over, with the tenant; asked before or purged, answers the state', () => {
    expect(decidePurgeRequest(history, 'retention', { kind: 'system' }, at)).toEqual({ type: 'FaxPurgeRequested', data: { faxId: 'a', tenantId: 't1', reason: 'retention', by: { kind: 'system' }, requestedAt: at } });
    const asked = [...history, { type: 'FaxPurgeRequested', data: {} }];
    expect(decidePurgeRequest(asked, 'request', by, at)).toEqual({ already: 'pending' });
    expect(decidePurgeRequest([...asked, { type: 'FaxPurged', data: {} }], 'request', by, at)).toEqual({ already: 'purged' });
  });
  it('waits for the end of an outbound fax (sent, failed or cancelled)', () => {
    const queued = [{ type: 'FaxQueued', data: { faxId: 'o', tenantId: 't1' } }];
    expect(decidePurgeRequest(queued, 'request', by, at)).toEqual({ refused: 'in_progress' });
    expect(decidePurgeRequest([...queued, { type: 'FaxFailed', data: { faxId: 'o' } }], 'request', by, at)).toMatchObject({ type: 'FaxPurgeRequested' });
  });
});

describe('retention days', () => {
  it("is the tenant's within the operator's limits, else the default, else the maximum, else for ever", () => {
    expect(retentionDaysFor(10, {})).toBe(10);
    expect(retentionDaysFor(400, { maxDays: 365 })).toBe(365);
    expect(retentionDaysFor(2, { minDays: 7 })).toBe(7);
    expect(retentionDaysFor(null, { defaultDays: 30, maxDays: 90 })).toBe(30);
    expect(retentionDaysFor(null, { maxDays: 90 })).toBe(90);
    expect(retentionDaysFor(null, { minDays: 7 })).toBeUndefined();
  });
});
