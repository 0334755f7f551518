import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faxesWhen, okJson, provisionAcme } from '../../support/e2eProvisioning.js';
import { pngSize } from '../../support/pngHeader.js';
import { basicAuth, startServerWithSimulator, testAdminKey } from '../../support/serverHarness.js';
import { makeSubmissionDocuments } from '../../support/submissionFixtures.js';

type Server = Awaited<ReturnType<typeof startServerWithSimulator>>;
type Fax = Record<string, unknown>;

const acmeUser = basicAuth('alice', 'alice password');
const otherUser = basicAuth('olga', 'olga password');

/**
 * The page images of a real received fax (3 pages from the simulator) and a real sent one (a 2-page
 * PDF), through the whole server: ghostscript renders them, the routes scope them by tenant.
 */
describe('GET /v1/faxes/{id}/pages and /pages/{n}.png', () => {
  let env: Server;
  let received: Fax;
  let sent: Fax;
  let refused: Fax;

  beforeAll(async () => {
    env = await startServerWithSimulator({
      scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, stations: { '5550001111': { pages: 3, ident: 'SENDER' }, '15557654321': { ringSeconds: 0 } } },
    });
    await provisionAcme(env, {
      globalGateways: [{ kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }],
      user: { username: 'alice', password: 'alice password' },
    });
    const other = await okJson(await env.call('POST', '/v1/tenants', { name: 'Other' }));
    await okJson(await env.call('POST', `/v1/tenants/${other.id}/users`, { username: 'olga', password: 'olga password' }));

    await env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;
    // A number nobody has: the call is refused and its fax never gets a document.
    await env.sim.startInboundCall({ from: '5550001111', to: '15559999999', gateway: 'carrier1' }).finished;
    const documents = await makeSubmissionDocuments(env.dataDir);
    const form = new FormData();
    form.set('to', '5557654321');
    form.set('from', '5551230000');
    form.append('file', new Blob([documents.pdf], { type: 'application/pdf' }), 'two.pdf');
    await okJson(await fetch(`${base()}/v1/faxes`, { method: 'POST', headers: { authorization: acmeUser }, body: form }));

    const done = (faxes: Fax[]) => faxes.length === 3 && faxes.every((fax) => fax.ended === true) && faxes.some((fax) => fax.status === 'sent');
    const faxes = await faxesWhen(env, done);
    expect(done(faxes), JSON.stringify(faxes)).toBe(true);
    refused = faxes.find((fax) => fax.status !== 'received' && fax.status !== 'sent')!;
    expect(refused, JSON.stringify(faxes)).toBeDefined();
    expect(refused.documentId ?? null).toBeNull();
    received = faxes.find((fax) => fax.status === 'received')!;
    sent = faxes.find((fax) => fax.status === 'sent')!;
  }, 120_000);
  afterAll(async () => env?.close());

  const base = () => `http://127.0.0.1:${env.server.httpAddress.port}`;
  const get = (path: string, authorization = acmeUser, headers: Record<string, string> = {}) => fetch(`${base()}${path}`, { headers: { authorization, ...headers } });
  async function png(path: string): Promise<Buffer> {
    const response = await get(path);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    return Buffer.from(await response.arrayBuffer());
  }

  it('lists the pages of a received fax with the URLs of their images', async () => {
    const response = await get(`/v1/faxes/${received.faxId}/pages`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { pages: number; documentId: string; items: Array<{ page: number; thumb: string; large: string }> };
    expect(body.pages).toBe(3);
    expect(body.documentId).toBe(received.documentId);
    expect(body.items.map((item) => item.page)).toEqual([1, 2, 3]);
    expect(body.items[2]).toEqual({ page: 3, thumb: `/v1/faxes/${received.faxId}/pages/3.png?size=thumb`, large: `/v1/faxes/${received.faxId}/pages/3.png?size=large` });
    // The listed URLs work as they are.
    expect(pngSize(await png(body.items[2]!.large)).width).toBeGreaterThan(1000);
  });

  it('serves each page of the received fax as a PNG of the asked-for width; the pages differ', async () => {
    const thumbs = await Promise.all([1, 2, 3].map((page) => png(`/v1/faxes/${received.faxId}/pages/${page}.png`)));
    for (const thumb of thumbs) expect(pngSize(thumb).width).toBeGreaterThanOrEqual(195);
    for (const thumb of thumbs) expect(pngSize(thumb).width).toBeLessThanOrEqual(205);
    expect(new Set(thumbs.map((thumb) => thumb.toString('base64'))).size).toBe(3);
    const large = await png(`/v1/faxes/${received.faxId}/pages/1.png?size=large`);
    expect(pngSize(large).width).toBeGreaterThanOrEqual(1090);
    expect(pngSize(large).width).toBeLessThanOrEqual(1110);
  });

  it("serves the sent fax's converted pages (2, distinct)", async () => {
    const list = (await (await get(`/v1/faxes/${sent.faxId}/pages`)).json()) as { pages: number };
    expect(list.pages).toBe(2);
    const [first, second] = await Promise.all([png(`/v1/faxes/${sent.faxId}/pages/1.png?size=large`), png(`/v1/faxes/${sent.faxId}/pages/2.png?size=large`)]);
    expect(pngSize(first!).width).toBeGreaterThanOrEqual(1090);
    expect(first!.equals(second!)).toBe(false);
  });

  it('caches: an ETag and Cache-Control, the same bytes again, 304 for the ETag', async () => {
    const path = `/v1/faxes/${received.faxId}/pages/2.png?size=large`;
    const [a, b] = await Promise.all([get(path), get(path)]);
    const etag = a.headers.get('etag');
    expect(etag).toBe(`"${received.documentId}-2-1100w"`);
    expect(a.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
    expect(Buffer.from(await a.arrayBuffer()).equals(Buffer.from(await b.arrayBuffer()))).toBe(true);
    const again = await get(path, acmeUser, { 'if-none-match': etag! });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
  });

  it("another tenant's fax is not found, as is a fax that does not exist; no credentials is 401", async () => {
    for (const path of [`/v1/faxes/${received.faxId}/pages/1.png`, `/v1/faxes/${received.faxId}/pages`]) {
      const response = await get(path, otherUser);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { detail: string }).detail).toBe(`fax ${received.faxId} not found`);
    }
    expect((await get('/v1/faxes/no-such-fax/pages/1.png')).status).toBe(404);
    // The refused call has no tenant, so only the admin sees it, and it has no document.
    for (const path of [`/v1/faxes/${refused.faxId}/pages`, `/v1/faxes/${refused.faxId}/pages/1.png`]) {
      const response = await get(path, basicAuth('admin', testAdminKey));
      expect(response.status).toBe(404);
      expect(((await response.json()) as { detail: string }).detail).toBe(`fax ${refused.faxId} has no document yet`);
    }
    expect((await fetch(`${base()}/v1/faxes/${received.faxId}/pages/1.png`)).status).toBe(401);
  });

  it('page 0, page 4 and size=huge are refused, naming the problem', async () => {
    const zero = await get(`/v1/faxes/${received.faxId}/pages/0.png`);
    expect(zero.status).toBe(422);
    expect(await zero.json()).toMatchObject({ field: 'n' });
    const word = await get(`/v1/faxes/${received.faxId}/pages/first.png`);
    expect(word.status).toBe(422);
    const four = await get(`/v1/faxes/${received.faxId}/pages/4.png`);
    expect(four.status).toBe(404);
    expect(((await four.json()) as { detail: string }).detail).toBe(`n: fax ${received.faxId} has 3 pages; there is no page 4`);
    const huge = await get(`/v1/faxes/${received.faxId}/pages/1.png?size=huge`);
    expect(huge.status).toBe(422);
    expect(await huge.json()).toMatchObject({ field: 'size', detail: 'size: must be thumb or large, got "huge"' });
  });

  it('is in the OpenAPI document', async () => {
    const document = (await (await fetch(`${base()}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(document.paths['/v1/faxes/{id}/pages/{n}.png'] ?? {})).toEqual(['get']);
    expect(Object.keys(document.paths['/v1/faxes/{id}/pages'] ?? {})).toEqual(['get']);
  });
});
