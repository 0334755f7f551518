import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { createSqliteReadStore } from '../../../src/adapters/readStore/sqliteReadStore.js';
import { createNumberKey } from '../../../src/adapters/readStore/numberKey.js';
import { faxListQuery } from '../../../src/adapters/readStore/sqliteFaxReadModel.js';
import { createFaxReadMarks } from '../../../src/api/services/faxReadMarks.js';
import { ConflictError, NotFoundError } from '../../../src/domain/errors.js';
import type { FaxView } from '../../../src/domain/fax/faxView.js';
import type { EventStore } from '../../../src/ports/eventStore.js';
import type { FaxFilter } from '../../../src/ports/faxReadModel.js';
import { openReadModels, readStoreFileName, rebuildReadModels, type ReadModels } from '../../../src/reactors/readModels.js';
import { makeTempDir } from '../../support/tempDir.js';

const logger = pino({ level: 'silent' });
const clock = { now: () => new Date('2026-12-06T12:00:00.000Z') };
const idents = ['ACME Law Firm', 'Northside Clinic', '+1 555 123 4567', 'Dental Partners', 'Clinique Élysée'];
const names = ['John Smith', 'RECEPTION', 'Dr. Müller', 'acme billing'];
const tenants = ['tenant-a', 'tenant-b', 'tenant-c'];
const pad = (n: number) => String(n).padStart(4, '0');

/** A received fax's whole stream, as the inbound runtime writes it; `ended: false` leaves its call going. */
async function receive(store: EventStore, index: number, ended = true): Promise<number> {
  const faxId = `rx-${pad(index)}`;
  const callUuid = `call-${faxId}`;
  const at = new Date(Date.parse('2026-01-01T00:00:00.000Z') + index * 60_000).toISOString();
  const tenantId = tenants[index % tenants.length]!;
  const events = [
    { type: 'FaxCallOffered', data: { faxId, direction: 'inbound', callUuid, callerNumber: `555000${pad(index)}`, ...(index % 4 ? { callerName: names[(index % 9) % names.length] } : {}), toUser: '15551230000', sourceIp: '10.0.0.1', offeredAt: at } },
    { type: 'FaxCallAnswered', data: { faxId, callUuid, tenantId, recipient: '+15551230000', t38Enabled: false, answeredAt: at } },
    { type: 'FaxNegotiated', data: { faxId, callUuid, negotiation: 1, transferRate: 14400, ecm: true, t38Status: 'off', ...(index % 6 ? { remoteIdent: idents[(index % 7) % idents.length] } : {}) } },
    { type: 'FaxReceived', data: { faxId, callUuid, pages: 1, documentId: `doc-${faxId}`, resultCode: 0, resultText: 'OK', t38Status: 'off', transferRate: 14400 } },
    ...(ended ? [{ type: 'FaxCallEnded', data: { faxId, callUuid, hangupCause: 'NORMAL_CLEARING', endedAt: at } }] : []),
  ];
  return (await store.append(`fax-${faxId}`, events.map((event) => ({ ...event, metadata: { tenantId } })))).position;
}

/** The list's specification: filter every fax, newest first. */
function reference(faxes: readonly FaxView[], filter: FaxFilter): string[] {
  const text = filter.text?.toLowerCase();
  return faxes
    .filter(
      (fax) =>
        (filter.tenantId === undefined || fax.tenantId === filter.tenantId) &&
        (!filter.unread || (fax.direction === 'inbound' && fax.status === 'received' && !fax.read)) &&
        (text === undefined || [fax.remoteIdent, fax.callerName].some((part) => part?.toLowerCase().includes(text))),
    )
    .sort((a, b) => (`${a.createdAt}|${a.faxId}` < `${b.createdAt}|${b.faxId}` ? 1 : -1))
    .map((fax) => fax.faxId);
}

describe('read marks and text search in the fax read model (real SQLite event and read stores)', () => {
  const dir = makeTempDir('fax-read-marks');
  let eventStore: EventStore;
  let models: ReadModels;
  let marks: ReturnType<typeof createFaxReadMarks>;
  const count = 240;
  const user = { kind: 'user' as const, userId: 'u1', username: 'desk' };

  beforeAll(async () => {
    eventStore = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    for (let index = 0; index < count; index++) await receive(eventStore, index);
    models = openReadModels({ dataDir: dir.path, eventStore, logger });
    await models.runner.start();
    marks = createFaxReadMarks({ eventStore, clock, settle: (position) => models.runner.waitFor(position) });
  });
  afterAll(async () => {
    await models.close();
    await eventStore.close();
    dir.remove();
  });

  const all = () => models.faxes.list({}, 1000).items;
  function walk(filter: FaxFilter, limit: number): string[] {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = models.faxes.list(filter, limit, cursor);
      ids.push(...page.items.map((fax) => fax.faxId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return ids;
  }

  it('marks a received fax read and unread as events with who did it, folded into the view, the unread filter and the count', async () => {
    expect(models.faxes.find('rx-0003')).toMatchObject({ read: false, callerName: names[3], remoteIdent: idents[3] });
    expect(models.faxes.unreadCount('tenant-a', 1000)).toBe(count / 3);
    expect(await marks.mark('rx-0003', true, user)).toBe(true);
    // Marking again changes nothing and appends nothing.
    expect(await marks.mark('rx-0003', true, user)).toBe(false);
    const stream = await eventStore.readStream('fax-rx-0003');
    expect(stream.at(-1)).toMatchObject({ type: 'FaxMarkedRead', data: { faxId: 'rx-0003', tenantId: 'tenant-a', by: user, at: '2026-12-06T12:00:00.000Z' }, metadata: { actor: 'console' } });
    expect(stream.filter((event) => event.type === 'FaxMarkedRead')).toHaveLength(1);
    expect(models.faxes.find('rx-0003')!.read).toBe(true);
    expect(models.faxes.unreadCount('tenant-a', 1000)).toBe(count / 3 - 1);
    expect(models.faxes.unreadCount('tenant-a', 10)).toBe(10);
    expect(models.faxes.list({ tenantId: 'tenant-a', unread: true }, 500).items.map((fax) => fax.faxId)).not.toContain('rx-0003');

    expect(await marks.mark('rx-0003', false, { kind: 'admin' })).toBe(true);
    expect((await eventStore.readStream('fax-rx-0003')).at(-1)).toMatchObject({ type: 'FaxMarkedUnread', data: { by: { kind: 'admin' } } });
    expect(models.faxes.find('rx-0003')!.read).toBe(false);
    expect(models.faxes.list({ tenantId: 'tenant-a', unread: true }, 500).items.map((fax) => fax.faxId)).toContain('rx-0003');
  });

  it('refuses to mark a fax whose call is still going (its actor writes the stream), a missing one, and an outbound one', async () => {
    await receive(eventStore, 9000, false);
    await expect(marks.mark('rx-9000', true, user)).rejects.toBeInstanceOf(ConflictError);
    expect((await eventStore.readStream('fax-rx-9000')).map((event) => event.type)).not.toContain('FaxMarkedRead');
    await expect(marks.mark('no-such-fax', true, user)).rejects.toBeInstanceOf(NotFoundError);
    await eventStore.append('fax-tx-1', [{ type: 'FaxQueued', data: { faxId: 'tx-1', direction: 'outbound', tenantId: 'tenant-a', from: '+15551230000', to: '+15557654321', queuedAt: '2026-01-01T00:00:00.000Z' } }]);
    await expect(marks.mark('tx-1', true, user)).rejects.toThrow(/not a received fax/);
  });

  it('decides again when another writer (the relay, a notifier) appended meanwhile, instead of failing or overwriting', async () => {
    const store: EventStore = {
      ...eventStore,
      readStream: eventStore.readStream.bind(eventStore),
      append: eventStore.append.bind(eventStore),
    };
    let raced = false;
    const racing = createFaxReadMarks({
      eventStore: {
        ...store,
        async readStream(stream, options) {
          const events = await store.readStream(stream, options);
          if (!raced) {
            raced = true;
            await store.append(stream, [{ type: 'FaxRelayed', data: { faxId: 'rx-0010', relayFaxId: 'relay-1', gateways: ['pbx'], partial: false } }]);
          }
          return events;
        },
      },
      clock,
    });
    expect(await racing.mark('rx-0010', true, user)).toBe(true);
    expect((await eventStore.readStream('fax-rx-0010')).map((event) => event.type).slice(-2)).toEqual(['FaxRelayed', 'FaxMarkedRead']);
  });

  it('finds text in the remote ident or caller name, case-insensitively, alone and with unread and tenant scope, page after page', async () => {
    for (const index of [1, 2, 7, 8, 13, 16, 21, 22, 30]) await marks.mark(`rx-${pad(index)}`, true, user);
    const faxes = all();
    const filters: FaxFilter[] = [
      { text: 'acme' },
      { text: 'ACME' },
      { text: 'law f' },
      { text: 'smith' },
      { text: 'müller' },
      { text: 'ÉLYSÉE' },
      { text: '555 123' },
      { text: 'nothing like it' },
      { text: 'acme', tenantId: 'tenant-b' },
      { text: 'clinic', tenantId: 'tenant-c', unread: true },
      { text: 'acme', unread: true },
      { unread: true, tenantId: 'tenant-a' },
    ];
    for (const filter of filters) {
      const expected = reference(faxes, filter);
      if (filter.text !== 'nothing like it') expect(expected.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(walk(filter, 7), JSON.stringify(filter)).toEqual(expected);
    }
    // The tenant scope holds: another tenant's faxes never answer a tenant's search.
    expect(walk({ text: 'acme', tenantId: 'tenant-b' }, 5).every((id) => models.faxes.find(id)!.tenantId === 'tenant-b')).toBe(true);
  });

  it('reads a text search through the trigram index or an index walk, an unread list through its partial index: no scan of the faxes table', () => {
    const db = new Database(join(dir.path, readStoreFileName), { readonly: true });
    const numberKey = createNumberKey('US');
    try {
      const planOf = (filter: FaxFilter, plan: 'match' | 'scan', cursor?: string) => {
        const { sql, params } = faxListQuery(filter, 51, cursor, numberKey, plan);
        return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>).map((row) => row.detail).join(' / ');
      };
      for (const cursor of [undefined, '2026-01-01T02:00:00.000Z|rx-0120']) {
        const match = planOf({ text: 'acme', tenantId: 'tenant-a' }, 'match', cursor);
        expect(match).toMatch(/SCAN fax_text VIRTUAL TABLE INDEX/);
        expect(match).toMatch(/SEARCH faxes USING (COVERING )?INDEX faxes_tenant_text_time \(tenant_id=\? AND search_text=\?/);
        expect(match).toMatch(/SEARCH faxes USING INTEGER PRIMARY KEY \(rowid=\?\)/);
        expect(match).not.toMatch(/SCAN faxes/);
        expect(planOf({ text: 'acme' }, 'match', cursor)).toMatch(/SEARCH faxes USING (COVERING )?INDEX faxes_text_time \(search_text=\?/);
        expect(planOf({ text: 'acme', tenantId: 'tenant-a' }, 'scan', cursor)).toMatch(/^SEARCH faxes USING INDEX faxes_tenant_time/);
        expect(planOf({ unread: true, tenantId: 'tenant-a' }, 'scan', cursor)).toMatch(/^SEARCH faxes USING INDEX faxes_tenant_unread_time/);
        expect(planOf({ unread: true }, 'scan', cursor)).toMatch(/^(SEARCH|SCAN) faxes USING INDEX faxes_unread_time/);
      }
    } finally {
      db.close();
    }
  });

  it('rebuilds the same read state from the events', async () => {
    const before = Array.from({ length: count }, (_, index) => models.faxes.find(`rx-${pad(index)}`)!).map((fax) => [fax.faxId, fax.read, fax.callerName, fax.remoteIdent]);
    const unread = walk({ unread: true }, 50);
    expect(before.filter(([, read]) => read).length).toBeGreaterThan(5);
    await models.close();
    await rebuildReadModels({ dataDir: dir.path, eventStore, logger });
    const rebuilt = createSqliteReadStore({ path: join(dir.path, readStoreFileName) });
    try {
      expect(Array.from({ length: count }, (_, index) => rebuilt.faxes.find(`rx-${pad(index)}`)!).map((fax) => [fax.faxId, fax.read, fax.callerName, fax.remoteIdent])).toEqual(before);
      expect(rebuilt.faxes.list({ unread: true }, 1000).items.map((fax) => fax.faxId)).toEqual(unread);
      expect(rebuilt.faxes.list({ text: 'acme', tenantId: 'tenant-b' }, 1000).items.length).toBeGreaterThan(0);
    } finally {
      rebuilt.close();
    }
    models = openReadModels({ dataDir: dir.path, eventStore, logger });
    await models.runner.start();
  });
});

describe('the text index of the faxes table', () => {
  const dir = makeTempDir('fax-text-index');
  afterAll(() => dir.remove());

  it('keeps each distinct text once, follows a changed ident, and forgets a text with the last fax that held it (a purge)', () => {
    const path = join(dir.path, 'readmodels.sqlite');
    const store = createSqliteReadStore({ path });
    const fax = (faxId: string, remoteIdent: string | null, callerName: string | null): FaxView => ({
      ...({} as FaxView),
      faxId,
      direction: 'inbound',
      tenantId: 'tenant-a',
      status: 'received',
      ended: true,
      callUuid: `call-${faxId}`,
      from: '5550001111',
      to: '+15551230000',
      createdAt: `2026-01-01T00:00:0${faxId.slice(-1)}.000Z`,
      updatedAt: '2026-01-01T00:00:00.000Z',
      remoteIdent,
      callerName,
      read: false,
    });
    const put = (docs: Array<[string, FaxView | null]>, checkpoint: number) => store.commit([{ projection: 'faxes', writes: docs.map(([key, doc]) => ({ collection: 'faxes', key, doc })), checkpoint }]);
    const texts = () => {
      const db = new Database(path, { readonly: true });
      try {
        return db.prepare<[], string>('SELECT text FROM fax_texts ORDER BY text').pluck().all();
      } finally {
        db.close();
      }
    };
    try {
      store.caughtUp();
      put([['f1', fax('f1', null, 'Front Desk')], ['f2', fax('f2', 'HARBOUR LAW', 'Front Desk')], ['f3', fax('f3', 'HARBOUR LAW', 'Front Desk')]], 1);
      // An ident arriving that another fax already has (the same station): the text is kept once.
      put([['f4', fax('f4', null, 'Front Desk')]], 2);
      put([['f4', fax('f4', 'HARBOUR LAW', 'Front Desk')]], 2);
      put([['f4', null]], 2);
      put([['f1', fax('f1', 'Brightwater', 'Front Desk')]], 2);
      expect(texts()).toEqual(['brightwater\nfront desk', 'front desk', 'harbour law\nfront desk']);
      expect(store.faxes.list({ text: 'bright' }, 10).items.map((item) => item.faxId)).toEqual(['f1']);
      // "front desk" alone is no fax's text any more: the search still finds the faxes that have it.
      expect(store.faxes.list({ text: 'front desk' }, 10).items.map((item) => item.faxId)).toEqual(['f3', 'f2', 'f1']);
      put([['f2', null]], 3);
      expect(texts()).toContain('harbour law\nfront desk');
      put([['f3', null], ['f1', null]], 4);
      // The text f1 had before its ident arrived goes too: no fax holds it any more (README: What a purge leaves).
      expect(texts()).toEqual([]);
      expect(store.faxes.list({ text: 'harbour' }, 10).items).toEqual([]);
    } finally {
      store.close();
    }
  });
});
