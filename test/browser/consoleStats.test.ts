import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { okJson } from '../support/e2eProvisioning.js';
import { basicAuth, startServerWithSimulator, testAdminKey } from '../support/serverHarness.js';
import { makeSubmissionDocuments } from '../support/submissionFixtures.js';
import { launchChromium, screenshot, seriousAxeViolations, signInOnPage } from './browserHarness.js';

const scenario = {
  gateways: { carrier1: { ip: '10.1.1.1' } },
  stations: {
    '5550001111': { pages: 3, ident: 'SENDER' },
    // Breaks off after its first page (T.30 code 49): a failed fax.
    '5550002222': { pages: 2, failure: { code: 49, afterPages: 1 } },
    '5550003333': { pages: 1, ident: 'OTHER SENDER' },
  },
};
const acmePassword = 'acme long password';
type Figures = { faxes: { total: number; inbound: number; outbound: number }; succeeded: number; failed: number; cancelled: number; successRate: number | null; pages: number; attempts: number };
type Item = Figures & Record<string, unknown>;

/** As the page writes a rate: `66.7 %`. */
const rateText = (rate: number | null) => (rate === null ? '–' : `${(Math.round(rate * 1000) / 10).toFixed(1)} %`);

describe('the Statistics page in a real browser (chromium, server + simulator)', () => {
  let env: Awaited<ReturnType<typeof startServerWithSimulator>>;
  let browser: Browser;
  let base: string;
  let acmeId: string;
  let otherId: string;
  const acmeAuth = basicAuth('acme', acmePassword);

  async function signedInPage(username: string, password: string): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
    await signInOnPage(page, base, username, password, /\/inbox/);
    return page;
  }

  const api = async (path: string, authorization?: string) => okJson(await env.call('GET', path, undefined, authorization));

  /** The figures of the page's summary, by their data-figure names. */
  async function summaryOf(page: Page): Promise<Record<string, string>> {
    const cells = page.locator('dd[data-figure]');
    const figures: Record<string, string> = {};
    for (let i = 0; i < (await cells.count()); i++) figures[(await cells.nth(i).getAttribute('data-figure'))!] = (await cells.nth(i).textContent())!.trim();
    return figures;
  }

  /** A section's table as rows of cell texts (header cell first). */
  async function tableOf(page: Page, section: string): Promise<string[][]> {
    return page.locator(`#${section} tbody tr`).evaluateAll((rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent!.trim())));
  }

  const expectedRow = (key: string, figures: Figures) => [key, figures.faxes.total, figures.succeeded, figures.failed, figures.cancelled, rateText(figures.successRate), figures.pages].map(String);

  beforeAll(async () => {
    env = await startServerWithSimulator({ scenario });
    base = `http://127.0.0.1:${env.server.httpAddress.port}`;
    acmeId = String((await okJson(await env.call('POST', '/v1/tenants', { name: 'Acme' }))).id);
    otherId = String((await okJson(await env.call('POST', '/v1/tenants', { name: 'Other' }))).id);
    await okJson(await env.call('POST', `/v1/tenants/${acmeId}/numbers`, { number: '5551230000' }));
    await okJson(await env.call('POST', `/v1/tenants/${otherId}/numbers`, { number: '5559870000' }));
    await okJson(await env.call('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }, priority: 0 }));
    await okJson(await env.call('POST', `/v1/tenants/${acmeId}/users`, { username: 'acme', password: acmePassword }));
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('says there are no faxes yet before any, with no chart', async () => {
    const page = await signedInPage('acme', acmePassword);
    await page.goto(`${base}/stats`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Statistics');
    expect(await page.locator('#no-stats').textContent()).toContain('No faxes in this window yet');
    expect(await page.locator('svg.chart').count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'console-stats-empty');
    await page.context().close();
  });

  it('shows the admin every tenant: charts and tables with the figures of /v1/stats/*', async () => {
    await env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;
    await env.sim.startInboundCall({ from: '5550002222', to: '15551230000', gateway: 'carrier1' }).finished;
    await env.sim.startInboundCall({ from: '5550003333', to: '15559870000', gateway: 'carrier1' }).finished;
    // And one sent by Acme through the API, out through the simulator.
    const documents = await makeSubmissionDocuments(env.dataDir);
    const form = new FormData();
    form.set('to', '5557654321');
    form.set('from', '5551230000');
    form.append('file', new Blob([documents.pdf], { type: 'application/pdf' }), 'letter.pdf');
    expect((await fetch(`${base}/v1/faxes`, { method: 'POST', headers: { authorization: acmeAuth }, body: form })).status).toBe(202);
    // The statistics projection catches up after the faxes end: poll the API until it counts all four.
    await expect.poll(async () => ((await api('/v1/stats/summary?window=24h')).figures as Figures).faxes.total, { timeout: 30_000, interval: 50 }).toBe(4);
    const summary = (await api('/v1/stats/summary?window=24h')).figures as Figures;
    expect(summary.failed).toBeGreaterThanOrEqual(1);
    const gateways = (await api('/v1/stats/gateways?window=24h')).items as Item[];
    const stations = (await api('/v1/stats/stations?window=24h')).items as Item[];
    const tenants = (await api('/v1/stats/tenants?window=24h')).items as Item[];

    const page = await signedInPage('admin', testAdminKey);
    await page.goto(`${base}/stats`);
    expect(await summaryOf(page)).toMatchObject({
      'success-rate': rateText(summary.successRate),
      faxes: String(summary.faxes.total),
      inbound: String(summary.faxes.inbound),
      outbound: String(summary.faxes.outbound),
      succeeded: String(summary.succeeded),
      failed: String(summary.failed),
      cancelled: String(summary.cancelled),
      pages: String(summary.pages),
      attempts: String(summary.attempts),
    });
    expect(summary.faxes.outbound).toBe(1);

    expect(await tableOf(page, 'gateways')).toEqual(gateways.map((item) => expectedRow(String(item.gateway), item)));
    expect(await tableOf(page, 'stations')).toEqual(stations.map((item) => expectedRow(String(item.station), item)));
        const names: Record<string, string> = { [acmeId]: 'Acme', [otherId]: 'Other' };
    expect(await tableOf(page, 'tenants')).toEqual(tenants.map((item) => expectedRow(`${names[String(item.tenantId)]} (${String(item.tenantId)})`, item)));
    expect((await tableOf(page, 'tenants')).map((row) => row[0]).sort()).toEqual([`Acme (${acmeId})`, `Other (${otherId})`]);

    // The charts draw the same figures: each bar segment's <title>, each day's dot.
    const gatewayBars = await page.locator('#chart-gateways rect > title').allTextContents();
    expect(gatewayBars).toEqual(
      gateways.flatMap((item) =>
        (['succeeded', 'failed'] as const).filter((name) => item[name] > 0).map((name) => `${String(item.gateway)}: ${name} ${item[name]}`),
      ),
    );
    // Each bar's length (written at its end) is its faxes.
    const barTotals = await page.locator('#chart-gateways g.bar').evaluateAll((bars) => bars.map((bar) => [...bar.querySelectorAll('text')].at(-1)!.textContent));
    expect(barTotals).toEqual(gateways.map((item) => String(item.faxes.total)));
    const tenantBars = await page.locator('#chart-tenants rect > title').allTextContents();
    for (const item of tenants) expect(tenantBars).toContain(`${names[String(item.tenantId)]} (${String(item.tenantId)}): succeeded ${item.succeeded}`);
    const today = new Date().toISOString().slice(0, 10);
    const daily = (await api(`/v1/stats/daily?from=${today}&to=${today}`)).items as Item[];
    expect(await page.locator('#chart-daily-volume circle > title').allTextContents()).toContain(`${today.slice(5)}: faxes ${daily[0]!.faxes.total}`);
    expect((await tableOf(page, 'daily')).at(-1)).toEqual(expectedRow(today, daily[0]!));
    // Screen readers get each chart's name from its own <title>.
    expect(await page.getByRole('img', { name: 'Faxes per gateway' }).count()).toBe(1);

    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.locator('details.figures').first().evaluate((details) => details.setAttribute('open', ''));
    await screenshot(page, 'console-stats');

    await page.getByRole('link', { name: 'Last 7 days' }).click();
    await page.waitForURL(/window=7d/);
    expect(await page.getByRole('link', { name: 'Last 7 days' }).getAttribute('aria-current')).toBe('page');
    expect((await summaryOf(page)).faxes).toBe(String(((await api('/v1/stats/summary?window=7d')).figures as Figures).faxes.total));
    expect(await page.locator('#chart-daily-volume circle').count()).toBeGreaterThanOrEqual(3 * 7);
    await page.context().close();
  });

  it("shows a tenant user its own tenant's figures only, and no per-tenant chart", async () => {
    const summary = (await api('/v1/stats/summary?window=24h', acmeAuth)).figures as Figures;
    const stations = (await api('/v1/stats/stations?window=24h', acmeAuth)).items as Item[];
    expect(summary.faxes.total).toBe(3);
    const page = await signedInPage('acme', acmePassword);
    await page.goto(`${base}/stats`);
    expect(await summaryOf(page)).toMatchObject({ faxes: '3', succeeded: String(summary.succeeded), failed: String(summary.failed), 'success-rate': rateText(summary.successRate) });
    expect(await page.locator('p.scope').textContent()).toContain(`tenant Acme (${acmeId})`);
    expect(await tableOf(page, 'stations')).toEqual(stations.map((item) => expectedRow(String(item.station), item)));
    expect((await tableOf(page, 'stations')).map((row) => row[0])).not.toContain('+15550003333');
    expect(await page.locator('#tenants').count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Per tenant' }).count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'console-stats-tenant');
    await page.context().close();
  });

  it('fits a phone-width screen: the charts shrink to it, the tables stack', async () => {
    const page = await signedInPage('acme', acmePassword);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/stats?window=7d`);
    await page.locator('details.figures').evaluateAll((all) => all.forEach((details) => details.setAttribute('open', '')));
    // Nothing wider than the screen: no sideways scrolling.
    expect(await page.locator('html').evaluate((root) => root.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'console-stats-phone');
    await page.context().close();
  });

  it('answers an unknown window with a 400 page naming it, and sends a signed-out visitor to sign in', async () => {
    const page = await signedInPage('acme', acmePassword);
    const response = await page.goto(`${base}/stats?window=1y`);
    expect(response?.status()).toBe(400);
    expect(await page.getByRole('alert').textContent()).toContain('"1y" is not one of 24h, 7d, 30d');
    await page.context().close();
    const anonymous = await fetch(`${base}/stats?window=7d`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe(`/sign-in?next=${encodeURIComponent('/stats?window=7d')}`);
  });
});
