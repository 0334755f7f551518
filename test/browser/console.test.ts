import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServerWithSimulator, testAdminKey } from '../support/serverHarness.js';
import { launchChromium, screenshot, seriousAxeViolations, signInOnPage } from './browserHarness.js';

const scenario = {
  gateways: { carrier1: { ip: '10.1.1.1' } },
  stations: { '5550001111': { pages: 3, ident: 'SENDER' }, '5550002222': { pages: 1, ident: 'OTHER SENDER' } },
};
const acmePassword = 'acme long password';

describe('web console in a real browser (chromium, server + simulator)', () => {
  let env: Awaited<ReturnType<typeof startServerWithSimulator>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  let otherTenant: string;

  async function json(response: Response): Promise<Record<string, unknown>> {
    if (response.status >= 300) throw new Error(`${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  }

  async function faxesOf(tenantId: string): Promise<Array<Record<string, unknown>>> {
    return ((await json(await env.call('GET', `/v1/faxes?tenantId=${tenantId}`))).items as Array<Record<string, unknown>>) ?? [];
  }

  async function signIn(target: Page, username: string, password: string) {
    await signInOnPage(target, base, username, password);
  }

  async function expectAccessible(target: Page) {
    expect(await seriousAxeViolations(target)).toEqual([]);
  }

  beforeAll(async () => {
    env = await startServerWithSimulator({ scenario });
    base = `http://127.0.0.1:${env.server.httpAddress.port}`;
    const acme = await json(await env.call('POST', '/v1/tenants', { name: 'Acme' }));
    const other = await json(await env.call('POST', '/v1/tenants', { name: 'Other' }));
    otherTenant = String(other.id);
    await json(await env.call('POST', `/v1/tenants/${acme.id}/numbers`, { number: '5551230000', stationIdent: 'ACME FAX' }));
    await json(await env.call('POST', `/v1/tenants/${other.id}/numbers`, { number: '5559870000', stationIdent: 'OTHER FAX' }));
    await json(await env.call('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }, priority: 0 }));
    await json(await env.call('POST', `/v1/tenants/${acme.id}/users`, { username: 'acme', password: acmePassword }));
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    page = await context.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('refuses a wrong password with a message, and lands on the inbox with the right one', async () => {
    await signIn(page, 'acme', 'not the password');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong user name or password');
    await expectAccessible(page);
    await screenshot(page, 'sign-in');

    await signIn(page, 'acme', acmePassword);
    expect(new URL(page.url()).pathname).toBe('/inbox');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Inbox');
    const cookie = (await context.cookies()).find((c) => c.name === 'faxengine_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: false });
  });

  it('shows a fax placed by the simulator in the inbox without a reload, and its timeline has 3 pages', async () => {
    await page.goto(`${base}/inbox`);
    await page.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));
    await env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;

    const row = page.locator('tbody tr').first();
    await row.waitFor({ timeout: 20_000 });
    await expect.poll(() => row.locator('td[data-label=Status]').textContent(), { timeout: 20_000 }).toBe('received');
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await row.locator('td[data-label=From]').textContent()).toBe('5550001111');
    await expectAccessible(page);
    await screenshot(page, 'inbox');
    // Keyboard: the first Tab reaches the skip link, which moves focus to the main content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document.activeElement.textContent.trim())).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id)).toBe('main');

    await row.getByRole('link').click();
    await page.waitForURL(/\/faxes\/[^/]+$/);
    const pages = page.locator('ol.timeline li[data-event=FaxPageTransferred]');
    await expect.poll(() => pages.allTextContents()).toEqual([expect.stringContaining('Page 1 transferred'), expect.stringContaining('Page 2 transferred'), expect.stringContaining('Page 3 transferred')]);
    const timeline = await page.locator('ol.timeline').textContent();
    for (const words of ['Call offered', 'Call answered', 'Fax negotiated', 'Fax received', 'Call ended']) expect(timeline).toContain(words);
    expect(await page.locator('dl.summary').textContent()).toContain('SENDER');
    // Thumbnails rendered server-side, each linking to its large view.
    const thumbnails = page.locator('ol.pages img');
    await expect.poll(() => thumbnails.count()).toBe(3);
    // Rendered by ghostscript on first request: loaded once each has its ~200 px width.
    const widths = () => thumbnails.evaluateAll((images) => images.map((image) => (image as unknown as { naturalWidth: number }).naturalWidth));
    await expect.poll(async () => (await widths()).every((width) => width > 150), { timeout: 30_000 }).toBe(true);
    expect(await thumbnails.nth(1).getAttribute('alt')).toBe('Page 2 of 3');
    const large = await page.request.get(`${base}${await page.locator('ol.pages a').nth(2).getAttribute('href')}`);
    expect(large.headers()['content-type']).toBe('image/png');
    expect((await large.body()).readUInt32BE(16)).toBeGreaterThan(1000);
    const pdf = await page.request.get(await page.getByRole('link', { name: 'Download PDF' }).getAttribute('href').then((href) => `${base}${href}`));
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    const tiff = await page.request.get(await page.getByRole('link', { name: 'Download TIFF' }).getAttribute('href').then((href) => `${base}${href}`));
    expect(tiff.headers()['content-type']).toBe('image/tiff');
    // Little-endian TIFF magic, the fax as received.
    expect((await tiff.body()).subarray(0, 4).toString('hex')).toBe('49492a00');
    await expectAccessible(page);
    await screenshot(page, 'fax-timeline');
  });

  it("answers another tenant's fax with a 404 page", async () => {
    await env.sim.startInboundCall({ from: '5550002222', to: '15559870000', gateway: 'carrier1' }).finished;
    let foreign: Array<Record<string, unknown>> = [];
    for (let tries = 0; tries < 400 && foreign.length === 0; tries++) {
      foreign = await faxesOf(otherTenant);
      if (foreign.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(foreign).toHaveLength(1);
    const response = await page.goto(`${base}/faxes/${foreign[0]!.faxId}`);
    expect(response?.status()).toBe(404);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Fax not found');
    expect(await page.content()).not.toContain('5550002222');
    await expectAccessible(page);
    await screenshot(page, 'not-found');
  });

  it('refuses a POST without the CSRF token, or with a wrong one, with a 403 page naming the problem', async () => {
    await page.goto(`${base}/inbox`);
    const post = (fields: Record<string, string>) =>
      page.evaluate(async (body) => {
        const response = await fetch('/sign-out', { method: 'POST', body: new URLSearchParams(body), redirect: 'manual' });
        return { status: response.status, text: await response.text() };
      }, fields);
    const missing = await post({});
    expect(missing.status).toBe(403);
    expect(missing.text).toContain('no CSRF token');
    const wrong = await post({ csrf: 'forged' });
    expect(wrong.status).toBe(403);
    expect(wrong.text).toContain('wrong or expired CSRF token');
    // Refused, so still signed in.
    expect((await page.goto(`${base}/inbox`))?.url()).toBe(`${base}/inbox`);
    await page.setContent(missing.text);
    await expectAccessible(page);
    await screenshot(page, 'csrf-refused');
  });

  it('signs out: the session ends and its cookie no longer opens a page', async () => {
    await page.goto(`${base}/inbox`);
    const sessionCookie = (await context.cookies()).find((c) => c.name === 'faxengine_session')!;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/sign-in`);
    await page.goto(`${base}/sent`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    // The old session id, replayed by hand, is dead on the server too.
    const replay = await fetch(`${base}/inbox`, { headers: { cookie: `faxengine_session=${sessionCookie.value}` }, redirect: 'manual' });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toMatch(/^\/sign-in/);
  });

  it('lets the admin (user "admin", the admin API key) see every tenant, on a phone-width screen', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const admin = await phone.newPage();
    await signIn(admin, 'admin', testAdminKey);
    await admin.goto(`${base}/faxes`);
    await expect.poll(() => admin.locator('tbody tr').count()).toBe(2);
    await expectAccessible(admin);
    await screenshot(admin, 'all-faxes-phone');
    // The number filter reads a number typed any way as the read model stores it.
    await admin.getByLabel('Number').fill('(555) 000-2222');
    await admin.getByRole('button', { name: 'Filter' }).click();
    await admin.waitForURL(/number=/);
    expect(await admin.locator('tbody td[data-label=From]').allTextContents()).toEqual(['5550002222']);
    await admin.getByLabel('Status').selectOption('sent');
    await admin.getByRole('button', { name: 'Filter' }).click();
    await admin.waitForURL(/status=sent/);
    expect(await admin.locator('tbody tr').count()).toBe(0);
    expect(await admin.getByText('No faxes match.').count()).toBe(1);
    await admin.goto(`${base}/sent`);
    await expectAccessible(admin);
    await screenshot(admin, 'sent-phone');
    await phone.close();
  });

  it('keeps the API, health, metrics and docs routes as they were', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/docs`)).status).toBe(200);
    expect((await env.call('GET', '/v1/faxes', undefined, null)).status).toBe(401);
    expect((await env.call('GET', '/v1/tenants')).status).toBe(200);
  });
});
