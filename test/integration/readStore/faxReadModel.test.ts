import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaxView } from '../../../projections/faxProjection.js';
import type { FaxFilter } from '../../../src/ports/faxReadModel.js';
import { createNumberKey } from '../../../src/adapters/readStore/numberKey.js';
import { faxListQuery, faxLookups } from '../../../src/adapters/readStore/sqliteFaxReadModel.js';
import { notificationListQuery } from '../../../src/adapters/readStore/sqliteNotificationReadModel.js';
import { createSqliteReadStore, type SqliteReadStore } from '../../../src/adapters/readStore/sqliteReadStore.js';
import { foldedFaxView, type FaxHistoryOptions } from '../../support/faxHistory.js';
import { makeTempDir } from '../../support/tempDir.js';

const numberKey = createNumberKey('US');
const history: FaxHistoryOptions = { faxes: 3000, tenants: 6, years: 1, seed: 7 };


/** What `GET /v1/faxes` answered when it filtered and sorted every fax in memory: the specification of the list. */
function reference(faxes: readonly FaxView[], filter: FaxFilter): FaxView[] {
  const number = filter.number === undefined ? undefined : numberKey(filter.number);
  return faxes
    .filter(
      (fax) =>
        (filter.tenantId === undefined || fax.tenantId === filter.tenantId) &&
        (filter.direction === undefined || fax.direction === filter.direction) &&
        (filter.status === undefined || fax.status === filter.status) &&
        (number === undefined || numberKey(fax.from ?? '') === number || numberKey(fax.to ?? '') === number) &&
        (filter.since === undefined || fax.createdAt >= filter.since) &&
        (filter.until === undefined || fax.createdAt <= filter.until),
    )
    .sort((a, b) => (`${a.createdAt}|${a.faxId}` < `${b.createdAt}|${b.faxId}` ? 1 : -1));
}

describe('the fax read model: indexed rows, one page per query', () => {
  const dir = makeTempDir('fax-read-model');
  let store: SqliteReadStore;
  let faxes: FaxView[];
  const put = (views: readonly FaxView[], checkpoint: number) =>
    store.commit([{ projection: 'faxes', writes: views.map((fax) => ({ collection: 'faxes', key: fax.faxId, doc: fax })), checkpoint }]);

  beforeAll(() => {
    store = createSqliteReadStore({ path: join(dir.path, 'readmodels.sqlite') });
    faxes = Array.from({ length: history.faxes }, (_, index) => foldedFaxView(index, history));
    put(faxes, 1);
    // What the projection runner does once caught up: the new file gets its query indexes.
    store.caughtUp();
  });
  afterAll(() => {
    store.close();
    dir.remove();
  });

  /** Every page from the first, following the cursor. */
  function walk(filter: FaxFilter, limit: number, between?: (page: number) => void): FaxView[] {
    const items: FaxView[] = [];
    let cursor: string | undefined;
    for (let page = 0; ; page++) {
      const result = store.faxes.list(filter, limit, cursor);
      expect(result.items.length).toBeLessThanOrEqual(limit);
      items.push(...result.items);
      if (result.nextCursor === null) return items;
      expect(result.items).toHaveLength(limit);
      cursor = result.nextCursor;
      between?.(page);
    }
  }

  const sample = () => faxes[1234]!;
  const tenant = () => sample().tenantId ?? 'tenant-0001';
  const remote = () => (sample().direction === 'inbound' ? sample().from : sample().to)!;
  const month = (m: number) => `2023-${String(m).padStart(2, '0')}-01T00:00:00.000Z`;
  const filters = (): Array<[string, FaxFilter]> => [
    ['no filter (admin)', {}],
    ['tenant', { tenantId: tenant() }],
    ['direction', { direction: 'inbound' }],
    ['status', { status: 'sent' }],
    ['failed, both directions', { status: 'failed' }],
    ['number (calling or dialled)', { number: remote() }],
    ['since', { since: month(7) }],
    ['until', { until: month(3) }],
    ['since and until', { since: month(4), until: month(6) }],
    ['tenant and direction', { tenantId: tenant(), direction: 'outbound' }],
    ['tenant and status', { tenantId: tenant(), status: 'received' }],
    ['tenant, direction and status', { tenantId: tenant(), direction: 'outbound', status: 'failed' }],
    ['tenant and number', { tenantId: tenant(), number: sample().from! }],
    ['direction and status', { direction: 'inbound', status: 'failed' }],
    ['status and time', { status: 'sent', since: month(2), until: month(11) }],
    ['tenant, number and time', { tenantId: tenant(), number: remote(), since: month(1), until: month(12) }],
    ['everything', { tenantId: tenant(), direction: sample().direction, status: sample().status, number: remote(), since: month(1), until: month(12) }],
    ['a tenant with no faxes', { tenantId: 'tenant-none' }],
  ];

  it('answers each filter, alone and combined, exactly as filtering and sorting every fax would, page after page', () => {
    for (const [name, filter] of filters()) {
      const expected = reference(faxes, filter).map((fax) => fax.faxId);
      if (name !== 'a tenant with no faxes') expect(expected.length, name).toBeGreaterThan(0);
      expect(walk(filter, 37).map((fax) => fax.faxId), name).toEqual(expected);
      expect(store.faxes.list(filter, 500).items.map((fax) => fax.faxId), name).toEqual(expected.slice(0, 500));
    }
  });

  it('shows the admin every tenant, faxes of no tenant (rejected calls) included, and a tenant only its own', () => {
    const all = store.faxes.list({}, 500).items;
    expect(new Set(all.map((fax) => fax.tenantId)).size).toBeGreaterThan(3);
    expect(walk({}, 500).some((fax) => fax.tenantId === null)).toBe(true);
    const own = walk({ tenantId: tenant() }, 100);
    expect(own.length).toBeGreaterThan(100);
    expect(own.every((fax) => fax.tenantId === tenant())).toBe(true);
  });

  it('answers a deep cursor page: the page after any fax', () => {
    const all = reference(faxes, {});
    for (const at of [0, 1500, 2950, all.length - 1]) {
      const after = all[at]!;
      const page = store.faxes.list({}, 50, `${after.createdAt}|${after.faxId}`);
      expect(page.items.map((fax) => fax.faxId)).toEqual(all.slice(at + 1, at + 51).map((fax) => fax.faxId));
      expect(page.nextCursor).toBe(at + 51 < all.length ? `${all[at + 50]!.createdAt}|${all[at + 50]!.faxId}` : null);
    }
    const tenantFaxes = reference(faxes, { tenantId: tenant(), direction: 'inbound' });
    const middle = tenantFaxes[Math.floor(tenantFaxes.length / 2)]!;
    expect(store.faxes.list({ tenantId: tenant(), direction: 'inbound' }, 20, `${middle.createdAt}|${middle.faxId}`).items).toEqual(
      tenantFaxes.slice(Math.floor(tenantFaxes.length / 2) + 1).slice(0, 20),
    );
  });

  it('keeps pages stable while new faxes arrive: no fax twice, none skipped', () => {
    const before = reference(faxes, { tenantId: tenant() }).map((fax) => fax.faxId);
    const later: FaxHistoryOptions = { ...history, start: '2024-06-01T00:00:00.000Z', seed: 8 };
    let next = 0;
    const walked = walk({ tenantId: tenant() }, 25, (page) => {
      // Between two reads, a few faxes arrive (newer than everything listed so far).
      const arriving = Array.from({ length: 5 }, () => ({ ...foldedFaxView(next, later), faxId: `new-${page}-${next++}`, tenantId: tenant() }));
      put(arriving, 2 + page);
    });
    expect(next).toBeGreaterThan(0);
    expect(walked.map((fax) => fax.faxId)).toEqual(before);
    expect(store.faxes.list({ tenantId: tenant() }, 1).items[0]!.faxId).toMatch(/^new-/);
    store.commit([{ projection: 'faxes', writes: walk({ tenantId: tenant() }, 500).filter((fax) => fax.faxId.startsWith('new-')).map((fax) => ({ collection: 'faxes', key: fax.faxId, doc: null })), checkpoint: 1000 }]);
  });

  it('finds a number however it is typed: national, with punctuation, or E.164', () => {
    const inbound = faxes.find((fax) => fax.direction === 'inbound' && fax.tenantId !== null)!;
    // Carriers signal the caller as national digits: `from` is stored as signalled, searched as E.164.
    expect(inbound.from).toMatch(/^\d{10}$/);
    const national = inbound.from!;
    const typed = [national, `+1${national}`, `1${national}`, `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`];
    const expected = reference(faxes, { number: `+1${national}` }).map((fax) => fax.faxId);
    expect(expected).toContain(inbound.faxId);
    for (const number of typed) expect(store.faxes.list({ number }, 500).items.map((fax) => fax.faxId), number).toEqual(expected);
    // The same remote station dialled by an outbound fax is found by the same search.
    expect(expected.length).toBeGreaterThanOrEqual(1);
  });

  it('finds a fax by id and by call UUID, and the unfinished and open faxes without listing the history', () => {
    const outbound = faxes.find((fax) => fax.direction === 'outbound' && fax.callUuid !== '')!;
    expect(store.faxes.find(outbound.faxId)).toEqual(outbound);
    expect(store.faxes.findByCallUuid(outbound.callUuid)).toEqual(outbound);
    expect(store.faxes.find('no-such-fax')).toBeUndefined();
    expect(store.faxes.unfinishedOutbound().sort()).toEqual(faxes.filter((fax) => fax.direction === 'outbound' && !fax.ended).map((fax) => fax.faxId).sort());
    expect(store.faxes.unfinishedOutbound().length).toBeGreaterThan(0);

    const open = { ...foldedFaxView(3, history), faxId: 'open-inbound', direction: 'inbound' as const, ended: false, status: 'receiving' as const };
    put([open], 2000);
    expect(store.faxes.openInbound()).toEqual([open]);
    store.commit([{ projection: 'faxes', writes: [{ collection: 'faxes', key: open.faxId, doc: null }], checkpoint: 2001 }]);
    expect(store.faxes.openInbound()).toEqual([]);
  });

  it('reads every list through an index: no full scan of the faxes and no sort of them, whatever the filter or cursor', () => {
    const db = new Database(join(dir.path, 'readmodels.sqlite'), { readonly: true });
    try {
      const planOf = (sql: string, params: Record<string, unknown> | string[]) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>).map((row) => row.detail);
      for (const [name, filter] of filters()) {
        for (const cursor of [undefined, '2023-06-01T00:00:00.000Z|f00001500']) {
          const { sql, params } = faxListQuery(filter, 51, cursor, numberKey);
          const plan = planOf(sql, params);
          const reads = plan.filter((line) => /\bfaxes\b/.test(line));
          expect(reads.length, `${name}: ${plan.join(' / ')}`).toBeGreaterThan(0);
          for (const line of reads) expect(line, name).toMatch(/^(SEARCH|SCAN) faxes USING INDEX faxes_\w+/);
          // A full `SCAN … USING INDEX` is the newest-first walk of the whole list, stopped by LIMIT: only with no filter.
          if (Object.keys(filter).length > 0 || cursor) for (const line of reads) expect(line, name).toMatch(/^SEARCH/);
          // Only a number search sorts, and only the two pages it merges (at most 2 × 51 rows).
          if (filter.number === undefined) expect(plan.join(' / '), name).not.toContain('TEMP B-TREE');
        }
      }
      expect(planOf(faxLookups.byId, ['f1']).join()).toMatch(/SEARCH faxes USING INDEX sqlite_autoindex_faxes_1 \(fax_id=\?\)/);
      expect(planOf(faxLookups.byCallUuid, ['c1']).join()).toMatch(/SEARCH faxes USING INDEX faxes_call_uuid \(call_uuid=\?\)/);
      expect(planOf(faxLookups.openInbound, []).join()).toMatch(/SEARCH faxes USING INDEX faxes_open \(direction=\?\)/);
      expect(planOf(faxLookups.unfinishedOutbound, []).join()).toMatch(/SEARCH faxes USING COVERING INDEX faxes_open \(direction=\?\)/);
      for (const filter of [{}, { tenantId: 't' }, { status: 'dead' as const }, { tenantId: 't', status: 'dead' as const }, { faxId: 'f1' }]) {
        const { sql, params } = notificationListQuery(filter, 100);
        const plan = planOf(sql, params).join(' / ');
        expect(plan).toMatch(/(SEARCH|SCAN) notifications USING INDEX/);
        expect(plan).not.toContain('TEMP B-TREE');
      }
    } finally {
      db.close();
    }
  });

  it('finds a fax written again by what it is now: a new status, number or open state, or only a new document', () => {
    // Each write of a known fax sets only the columns that changed (and the document): the indexes
    // on the others are left as they were, so they must still be right.
    const rewritten = faxes.map((fax, index) => {
      if (index % 5 === 0) return { ...fax, status: fax.status === 'sent' ? ('failed' as const) : ('sent' as const) };
      if (index % 5 === 1) return { ...fax, to: `+1555999${String(index).padStart(4, '0')}` };
      if (index % 5 === 2) return { ...fax, ended: !fax.ended };
      if (index % 5 === 3) return { ...fax, pages: (fax.pages ?? 0) + 1 };
      return fax;
    });
    put(rewritten, 3000);
    faxes = rewritten;
    for (const [name, filter] of [...filters(), ['the new number', { number: rewritten[1]!.to! }] as [string, FaxFilter]]) {
      expect(walk(filter, 97).map((fax) => fax.faxId), name).toEqual(reference(rewritten, filter).map((fax) => fax.faxId));
    }
    expect(store.faxes.find(rewritten[3]!.faxId)).toEqual(rewritten[3]);
    expect(store.faxes.openInbound().map((fax) => fax.faxId).sort()).toEqual(rewritten.filter((fax) => fax.direction === 'inbound' && !fax.ended).map((fax) => fax.faxId).sort());
  });
});
