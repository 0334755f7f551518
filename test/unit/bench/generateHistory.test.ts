import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, test } from 'vitest';
import { prepareDatabase } from '../../../src/adapters/eventStore/sqlite/schema.js';
import type { RecordedEvent } from '../../../src/ports/eventStore.js';
import type { CapturedHistory } from '../../bench/captureHistory.js';
import { compileTemplate, generateHistory } from '../../bench/generateHistory.js';
import { seededRandom } from '../../support/seededRandom.js';
import { makeTempDir } from '../../support/tempDir.js';

const dir = makeTempDir('generate-history');
afterEach(() => dir.remove());

const faxId = '565f8ab1-5253-4408-9718-cafbf9b78f4b';
const callUuid = 'ce53b130-4166-4077-8f6b-ed2b89fcbfe9';
const documentId = `sha256-${'b9'.repeat(32)}`;
const recorded = (revision: number, type: string, data: object, created: string): RecordedEvent => ({
  position: revision + 1,
  id: `01a24b40-535a-7000-ad36-37e2bae4a5${String(revision).padStart(2, '0')}`,
  stream: `fax-${faxId}`,
  revision,
  type,
  data,
  metadata: { correlationId: faxId, callUuid, tenantId: '1' },
  created,
});
const history: CapturedHistory = {
  tenants: [
    { id: '1', number: '5551230001' },
    { id: '2', number: '5551230002' },
    { id: '3', number: '5551230003' },
  ],
  userTenant: { id: '1', number: '5551230001' },
  apiKey: 'fxk_test',
  remoteNumbers: ['5550001111'],
  templates: [
    {
      kind: 'received',
      weight: 1,
      events: [
        recorded(0, 'FaxCallOffered', { callUuid, callerNumber: '15550001111', toUser: '15551230001', faxId, offeredAt: '2026-12-06T12:07:16.564Z' }, '2026-12-06T12:07:16.569Z'),
        recorded(1, 'FaxCallAnswered', { faxId, callUuid, tenantId: '1', recipient: '+15551230001', note: 'to 5551230001 "quoted"' }, '2026-12-06T12:07:16.575Z'),
        recorded(2, 'FaxReceived', { faxId, tenantId: '1', pages: 3, documentId, submittedBy: { kind: 'apiKey', userId: '1', keyId: '1' }, receivedAt: '2026-12-06T12:07:17.704Z' }, '2026-12-06T12:07:17.711Z'),
      ],
    },
  ],
};

test('generated faxes carry their own ids, numbers, tenants and times, in the template event shapes', () => {
  const path = join(dir.path, 'events.sqlite');
  const db = new Database(path);
  prepareDatabase(db);
  db.prepare("INSERT INTO checkpoints (name, position, updated) VALUES ('notifiers', 0, 'x')").run();
  db.close();
  const from = Date.parse('2024-01-01T00:00:00Z');
  const to = Date.parse('2026-01-01T00:00:00Z');
  const newest = generateHistory(path, history, history.templates.map((template) => compileTemplate(template, history)), { count: 300, fromMs: from, toMs: to, random: seededRandom(7), batch: 64 });

  const read = new Database(path, { readonly: true });
  type Row = { position: number; id: string; stream: string; revision: number; type: string; data: string; metadata: string; created: string };
  const rows = read.prepare('SELECT position, id, stream, revision, type, data, metadata, created FROM events ORDER BY position').all() as Row[];
  expect(rows).toHaveLength(900);
  const text = JSON.stringify(rows);
  for (const old of [faxId, callUuid, documentId, '5550001111', '2026-12-06']) expect(text).not.toContain(old);

  const streams = new Set(rows.map((row) => row.stream));
  expect(streams.size).toBe(300);
  expect(streams.has(`fax-${newest}`)).toBe(true);
  expect(rows.at(-1)!.stream).toBe(`fax-${newest}`);
  const tenantsSeen = new Set<string>();
  for (let index = 0; index < rows.length; index += 3) {
    const [offered, answered, received] = rows.slice(index, index + 3).map((row) => ({ ...row, data: JSON.parse(row.data) as Record<string, unknown>, metadata: JSON.parse(row.metadata) as Record<string, unknown> }));
    const id = String(offered!.stream).slice('fax-'.length);
    expect([offered!.type, answered!.type, received!.type]).toEqual(['FaxCallOffered', 'FaxCallAnswered', 'FaxReceived']);
    expect([offered!.revision, answered!.revision, received!.revision]).toEqual([0, 1, 2]);
    expect([offered!.data.faxId, answered!.data.faxId, received!.data.faxId, offered!.metadata.correlationId]).toEqual([id, id, id, id]);
    expect(answered!.data.callUuid).toBe(offered!.data.callUuid);
    const tenant = history.tenants.find((candidate) => candidate.id === answered!.data.tenantId)!;
    tenantsSeen.add(tenant.id);
    expect(received!.metadata.tenantId).toBe(tenant.id);
    // Our number in every form it had; the remote one consistent within the fax.
    expect(offered!.data.toUser).toBe(`1${tenant.number}`);
    expect(answered!.data.recipient).toBe(`+1${tenant.number}`);
    expect(answered!.data.note).toBe(`to ${tenant.number} "quoted"`);
    expect(offered!.data.callerNumber).toMatch(/^1\d{10}$/);
    expect(received!.data.documentId).toMatch(/^sha256-[0-9a-f]{64}$/);
    // A user's ids belong to one tenant: the others' faxes were the admin's.
    expect(received!.data.submittedBy).toEqual(tenant.id === '1' ? { kind: 'apiKey', userId: '1', keyId: '1' } : { kind: 'admin' });
    // Times move with the fax, keeping their distances.
    const created = Date.parse(String(offered!.created));
    expect(created).toBeGreaterThanOrEqual(from);
    expect(created).toBeLessThan(to);
    expect(Date.parse(String(offered!.data.offeredAt)) - created).toBe(-5);
    expect(Date.parse(String(received!.data.receivedAt)) - created).toBe(1135);
  }
  expect(tenantsSeen.size).toBe(3);
  const created = rows.map((row) => Date.parse(String(row.created)));
  expect(created).toEqual([...created].sort((a, b) => a - b));
  expect(new Set(rows.map((row) => row.id)).size).toBe(900);
  expect(read.prepare("SELECT position FROM checkpoints WHERE name = 'notifiers'").pluck().get()).toBe(900);
  read.close();
});
