import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaxView } from '../../../projections/faxProjection.js';
import { createNotificationRedelivery } from '../../../src/api/services/notificationRedelivery.js';
import { GoneError } from '../../../src/domain/errors.js';
import { readStoreFileName } from '../../../src/reactors/readModels.js';
import { faxPurged, purgedFaxIds, purgedScenarioTexts, purgedValues, purgeScenario } from '../../support/purgeScenario.js';
import { startSubmissionHarness, type SubmissionHarness } from '../../support/submissionHarness.js';
import { adminAuth } from '../../support/tenancyHarness.js';

type Page = { items: FaxView[]; nextCursor: string | null };
const poll = async (done: () => boolean, what: string, ms = 20_000) => {
  for (const deadline = Date.now() + ms; !done(); await new Promise((resolve) => setTimeout(resolve, 50))) if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
};

/** The read store, the API and the files under a purge: live folds of FaxPurged on a real SQLite read store. */
describe('read store and API after a purge (FaxPurged)', () => {
  let h: SubmissionHarness;
  let acme: { id: string; auth: string };
  let readStorePath: string;
  const get = (path: string, authorization = adminAuth) => h.request('GET', path, { authorization });
  async function list(query: string, authorization = adminAuth): Promise<string[]> {
    const res = await get(`/v1/faxes?limit=100&${query}`, authorization);
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as Page).items.map((fax) => fax.faxId);
  }
  const sql = <T>(query: string): T[] => {
    const db = new Database(readStorePath, { readonly: true });
    try {
      return db.prepare(query).all() as T[];
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    // A purged fax's images are never looked for: this one fails the test if they are.
    h = await startSubmissionHarness({ pageImages: { read: () => Promise.reject(new Error('a purged fax has no page images to read')) } });
    acme = await h.tenant('Acme', 'acme', ['5551230001']);
    readStorePath = join(h.dir, readStoreFileName);
    // One event at a time, as a call's events arrive: each is folded and committed on its own, so
    // a fax's row passes through every text it has (the caller name alone, then with the ident).
    for (const { stream, events } of purgeScenario(acme.id)) {
      for (const event of events) {
        const { position } = await h.eventStore.append(stream, [event]);
        for (const deadline = Date.now() + 10_000; sql<{ position: number }>("SELECT min(position) AS position FROM checkpoints")[0]!.position < position && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    for (const deadline = Date.now() + 20_000; (await list('')).length < 4 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50));
  });
  afterAll(async () => {
    await h.close();
  });

  it('finds the faxes by number and text before the purge, and never after; a text another fax shares stays', async () => {
    expect(await list('number=5557770001')).toEqual(['p-in']);
    expect(await list('text=qzxj')).toEqual(['p-in']);
    expect(await list('text=shared%20lab')).toEqual(['keep-in', 'p-shared']);
    expect(await list('number=%2B15558880002')).toEqual(['p-out']);
    expect(sql<{ text: string }>('SELECT text FROM fax_texts').map((row) => row.text)).toEqual(expect.arrayContaining(purgedScenarioTexts));

    const totals = () => sql<{ key: string; doc: string }>("SELECT key, doc FROM documents WHERE projection = 'stats' AND collection IN ('days', 'hours') AND (key LIKE '*|all|%' OR key LIKE 't:%|all|%' OR key LIKE 't:%|gw|%') ORDER BY key");
    const countedBefore = totals();
    expect(countedBefore.map((row) => row.doc).join()).toMatch(/"inbound":3/);
    for (const faxId of purgedFaxIds) await h.eventStore.append(`fax-${faxId}`, [faxPurged(faxId, acme.id)]);
    const purged = async () => (await Promise.all(purgedFaxIds.map(async (faxId) => ((await (await get(`/v1/faxes/${faxId}`)).json()) as FaxView).purged))).every(Boolean);
    for (const deadline = Date.now() + 20_000; !(await purged()) && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50));

    expect(await list('number=5557770001')).toEqual([]);
    expect(await list('number=5557770002')).toEqual([]);
    expect(await list('number=%2B15558880002')).toEqual([]);
    expect(await list('text=qzxj')).toEqual([]);
    expect(await list('text=jones')).toEqual([]);
    expect(await list('text=shared%20lab')).toEqual(['keep-in']);
    // Statistics count them as before: totals, the tenant's, per gateway.
    expect(totals()).toEqual(countedBefore);
    // The purged faxes are still listed (statistics and the purge record keep them), marked purged.
    expect(await list('')).toEqual(['p-out', 'keep-in', 'p-shared', 'p-in']);
    // The distinct texts and their trigram index keep only what a fax still has.
    expect(sql<{ text: string }>('SELECT text FROM fax_texts').map((row) => row.text)).toEqual(['shared lab']);
    expect(sql<{ n: number }>(`SELECT count(*) AS n FROM fax_text WHERE fax_text MATCH '"qzx"' OR fax_text MATCH '"jones"' OR fax_text MATCH '"clinic"'`)[0]!.n).toBe(0);
  });

  it('shows a purged fax with purged, purgedAt and its personal fields null', async () => {
    const res = await get('/v1/faxes/p-in');
    expect(res.status).toBe(200);
    const fax = (await res.json()) as FaxView;
    expect(fax).toMatchObject({ faxId: 'p-in', tenantId: acme.id, direction: 'inbound', status: 'received', pages: 1, purged: true, purgedAt: '2026-12-06T12:00:00.000Z' });
    expect(fax).toMatchObject({ from: null, to: null, callerName: null, remoteIdent: null, documentId: null });
    const sent = (await (await get('/v1/faxes/p-out', acme.auth)).json()) as FaxView;
    expect(sent).toMatchObject({ status: 'sent', from: '+15551230001', to: null, remoteIdent: null, documentId: null, purged: true });
    const kept = (await (await get('/v1/faxes/keep-in')).json()) as FaxView;
    expect(kept.purged).toBeUndefined();
    expect(kept.from).toBe('4445550100');
  });

  it("answers 410 Gone, as problem+json saying when, for a purged fax's document and page images", async () => {
    for (const path of ['/v1/faxes/p-in/document', '/v1/faxes/p-in/pages', '/v1/faxes/p-in/pages/1.png?size=thumb', '/v1/faxes/p-out/document']) {
      const res = await get(path, acme.auth);
      expect(res.status, path).toBe(410);
      expect(res.headers.get('content-type'), path).toBe('application/problem+json');
      const problem = (await res.json()) as Record<string, unknown>;
      expect(problem, path).toMatchObject({ status: 410, title: 'Gone', purgedAt: '2026-12-06T12:00:00.000Z' });
      expect(String(problem.detail)).toMatch(/was purged on 2026-12-06T12:00:00.000Z/);
    }
    // Its notifications have nowhere left to go: a redelivery is refused the same way (API and console call this).
    const redeliver = createNotificationRedelivery({ eventStore: h.eventStore, clock: { now: () => new Date() } });
    await expect(redeliver('p-in', 'n-p-in', 'admin', {})).rejects.toThrow(GoneError);
    // A fax that is not purged and has no document stays a 404.
    expect((await get('/v1/faxes/keep-in/pages/1.png', acme.auth)).status).not.toBe(410);
  });

  it('keeps no purged value in the read store file or its WAL once the purge is committed and checkpointed', async () => {
    await poll(() => statSync(`${readStorePath}-wal`, { throwIfNoEntry: false })?.size === 0, 'the WAL to be truncated');
    // The notifications lost their targets; the kept fax and its shared text are still there.
    const notifications = sql<{ doc: string }>('SELECT doc FROM notifications').map((row) => JSON.parse(row.doc) as { purged?: boolean });
    expect(notifications).toHaveLength(2);
    expect(notifications.every((notification) => notification.purged)).toBe(true);
    for (const file of [readStorePath, `${readStorePath}-wal`]) {
      const bytes = readFileSync(file, { flag: 'r' }).toString('latin1').toLowerCase();
      for (const value of purgedValues) expect(bytes.includes(value.toLowerCase()), `${value} in ${file}`).toBe(false);
      if (file === readStorePath) expect(bytes).toContain('shared lab');
    }
  });
});
