import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaxView } from '../../../projections/faxProjection.js';
import { startSubmissionHarness, type SubmissionHarness } from '../../support/submissionHarness.js';
import { adminAuth } from '../../support/tenancyHarness.js';

type Page = { items: FaxView[]; nextCursor: string | null };

/** `GET /v1/faxes` over HTTP: the route's tenant scoping on top of the read store's indexed list. */
describe('GET /v1/faxes: admin and tenant users, filters and cursor', () => {
  let h: SubmissionHarness;
  let acme: { id: string; auth: string };
  let globex: { id: string; auth: string };
  const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

  beforeAll(async () => {
    h = await startSubmissionHarness();
    acme = await h.tenant('Acme', 'acme', ['5551230001']);
    globex = await h.tenant('Globex', 'globex', ['5551230009']);
    // Acme receives 30 faxes from a station that signals national digits; Globex sends 20 to it; 2 calls are rejected.
    for (let index = 0; index < 30; index++) {
      const faxId = `in-${index}`;
      await h.eventStore.append(`fax-${faxId}`, [
        { type: 'FaxCallOffered', data: { faxId, direction: 'inbound', callUuid: `c-${faxId}`, callerNumber: '4445550100', callerName: index % 2 ? 'Harbour Law' : 'Brightwater Clinic', toUser: '15551230001', offeredAt: at(index * 2) } },
        { type: 'FaxCallAnswered', data: { faxId, callUuid: `c-${faxId}`, tenantId: acme.id, recipient: '+15551230001', sourceGateway: 'carrier1', t38Enabled: false, t38Requested: false, t38Policy: 'off', answeredAt: at(index * 2) } },
        ...(index % 3 === 0
          ? []
          : [{ type: 'FaxReceived', data: { faxId, callUuid: `c-${faxId}`, tenantId: acme.id, pages: 1, documentId: `d-${faxId}`, resultCode: 0, resultText: 'OK', t38Status: 'off', transferRate: 9600, receivedAt: at(index * 2) } }]),
      ]);
    }
    for (let index = 0; index < 20; index++) {
      const faxId = `out-${index}`;
      await h.eventStore.append(`fax-${faxId}`, [
        { type: 'FaxQueued', data: { faxId, direction: 'outbound', tenantId: globex.id, to: '+14445550100', from: '+15551230009', resolution: 'fine', pageSize: 'letter', files: [], submittedBy: { kind: 'admin' }, queuedAt: at(index * 2 + 1) } },
      ]);
    }
    for (const faxId of ['rejected-1', 'rejected-2']) {
      await h.eventStore.append(`fax-${faxId}`, [
        { type: 'FaxCallOffered', data: { faxId, direction: 'inbound', callUuid: `c-${faxId}`, callerNumber: '4445550100', toUser: '5550000000', offeredAt: at(100) } },
        { type: 'FaxCallRejected', data: { faxId, callUuid: `c-${faxId}`, sipCode: 404, reason: 'unknown_number', detail: 'no tenant' } },
      ]);
    }
    for (const deadline = Date.now() + 20_000; (await list('limit=500')).items.length < 52 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50));
  });
  afterAll(async () => {
    await h.close();
  });

  async function list(query: string, authorization = adminAuth): Promise<Page> {
    const res = await h.request('GET', `/v1/faxes?${query}`, { authorization });
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as Page;
  }
  const ids = (page: Page) => page.items.map((fax) => fax.faxId);
  async function walk(query: string, authorization = adminAuth): Promise<string[]> {
    const found: string[] = [];
    for (let cursor: string | null = ''; cursor !== null; ) {
      const page: Page = await list(`${query}&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, authorization);
      found.push(...ids(page));
      cursor = page.nextCursor;
    }
    return found;
  }

  it('shows the admin every fax, newest first, and a tenant filter when asked', async () => {
    const all = await list('limit=500');
    expect(all.items).toHaveLength(52);
    expect(ids(all).slice(0, 4)).toEqual(['rejected-2', 'rejected-1', 'in-29', 'in-28']);
    expect(all.items.map((fax) => fax.createdAt)).toEqual(all.items.map((fax) => fax.createdAt).sort().reverse());
    expect((await list(`tenantId=${globex.id}&limit=500`)).items).toHaveLength(20);
    expect(await walk('direction=inbound')).toEqual(ids(all).filter((id) => !id.startsWith('out-')));
  });

  it('shows a tenant user its own faxes only, whatever tenantId it passes', async () => {
    const own = await walk('', acme.auth);
    expect(own).toHaveLength(30);
    expect(own.every((id) => id.startsWith('in-'))).toBe(true);
    expect(await walk(`tenantId=${globex.id}`, acme.auth)).toEqual(own);
    expect(await walk('', globex.auth)).toEqual(Array.from({ length: 20 }, (_, index) => `out-${19 - index}`));
  });

  it('filters by status, direction, time and number (typed any way), alone and together, page after page', async () => {
    expect(await walk('status=received', acme.auth)).toEqual(Array.from({ length: 30 }, (_, index) => 29 - index).filter((index) => index % 3 !== 0).map((index) => `in-${index}`));
    expect(await walk('status=receiving&direction=inbound', acme.auth)).toHaveLength(10);
    expect(await walk(`since=${encodeURIComponent(at(20))}&until=${encodeURIComponent(at(29))}`)).toEqual(['out-14', 'in-14', 'out-13', 'in-13', 'out-12', 'in-12', 'out-11', 'in-11', 'out-10', 'in-10']);
    for (const number of ['4445550100', '+14445550100', '(444) 555-0100', '1-444-555-0100']) {
      expect(await walk(`number=${encodeURIComponent(number)}`), number).toHaveLength(52);
      expect(await walk(`number=${encodeURIComponent(number)}`, acme.auth), number).toHaveLength(30);
    }
    expect(await walk('number=5551230009&status=queued', globex.auth)).toHaveLength(20);
    expect(await walk('number=5551230009', acme.auth)).toEqual([]);
  });

  it('filters by unread and by text in the caller name (case-insensitive), within the tenant, page after page; a text under 3 characters is refused', async () => {
    const received = Array.from({ length: 30 }, (_, index) => 29 - index).filter((index) => index % 3 !== 0);
    expect(await walk('unread=true', acme.auth)).toEqual(received.map((index) => `in-${index}`));
    expect(await walk('unread=true', globex.auth)).toEqual([]);
    expect(await walk('text=HARBOUR', acme.auth)).toEqual(Array.from({ length: 30 }, (_, index) => 29 - index).filter((index) => index % 2).map((index) => `in-${index}`));
    expect(await walk('text=water%20cli&unread=true', acme.auth)).toEqual(received.filter((index) => index % 2 === 0).map((index) => `in-${index}`));
    expect(await walk('text=harbour', globex.auth)).toEqual([]);
    expect((await list('unread=false&limit=500')).items).toHaveLength(52);
    const short = await h.request('GET', '/v1/faxes?text=ha', { authorization: acme.auth });
    expect(short.status).toBe(422);
    expect(await short.text()).toContain('text');
  });
});
