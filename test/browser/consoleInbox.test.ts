import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServerWithSimulator, testAdminKey } from '../support/serverHarness.js';
import { launchChromium, screenshot, seriousAxeViolations, signInOnPage } from './browserHarness.js';

const scenario = {
  gateways: { carrier1: { ip: '10.1.1.1' } },
  stations: { '5550003333': { pages: 1, ident: 'Brightwater Clinic' }, '5550004444': { pages: 1, ident: 'HARBOUR LAW' } },
};
const password = 'inbox long password';

describe('console inbox: unread faxes, read marks and text search (chromium, server + simulator)', () => {
  let env: Awaited<ReturnType<typeof startServerWithSimulator>>;
  let browser: Browser;
  let page: Page;
  let base: string;
  let tenantId: string;
  const faxIdOf: Record<string, string> = {};

  async function json(response: Response): Promise<Record<string, unknown>> {
    if (response.status >= 300) throw new Error(`${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  }
  const faxes = async () => ((await json(await env.call('GET', `/v1/faxes?tenantId=${tenantId}`))).items as Array<Record<string, unknown>>) ?? [];
  const eventTypes = async (faxId: string) => ((await json(await env.call('GET', `/v1/faxes/${faxId}/events`))).items as Array<{ type: string }>).map((event) => event.type);
  const rowOf = (faxId: string) => page.locator(`tr#fax-${faxId}`);
  const unreadCount = () => page.locator('#unread-count').textContent();

  beforeAll(async () => {
    env = await startServerWithSimulator({ scenario });
    base = `http://127.0.0.1:${env.server.httpAddress.port}`;
    tenantId = String((await json(await env.call('POST', '/v1/tenants', { name: 'Clinic' }))).id);
    await json(await env.call('POST', `/v1/tenants/${tenantId}/numbers`, { number: '5551230000', stationIdent: 'CLINIC FAX' }));
    await json(await env.call('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }, priority: 0 }));
    await json(await env.call('POST', `/v1/tenants/${tenantId}/users`, { username: 'desk', password }));
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
    await signInOnPage(page, base, 'desk', password, /\/inbox$/);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('shows a fax placed by the simulator as unread: bold, labelled "unread", and counted', async () => {
    for (const from of ['5550003333', '5550004444']) await env.sim.startInboundCall({ from, to: '15551230000', gateway: 'carrier1' }).finished;
    // Both received and their calls over: only then can a fax be marked (its actor no longer writes its stream).
    await expect.poll(async () => (await faxes()).filter((fax) => fax.status === 'received' && fax.ended).length, { timeout: 30_000 }).toBe(2);
    for (const fax of await faxes()) faxIdOf[String(fax.from)] = String(fax.faxId);
    const brightwater = faxIdOf['5550003333']!;
    await page.goto(`${base}/inbox`);
    expect(await rowOf(brightwater).getAttribute('class')).toBe('unread');
    expect(await rowOf(brightwater).locator('.badge').textContent()).toBe('unread');
    expect(await rowOf(brightwater).locator('td').first().evaluate((cell) => (globalThis as unknown as { getComputedStyle(element: unknown): { fontWeight: string } }).getComputedStyle(cell).fontWeight)).toBe('700');
    expect(await unreadCount()).toBe('2 unread faxes');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'console-inbox-unread');
  });

  it('marks a fax read when it is opened (bold gone, count drops), and "Mark as unread" restores it', async () => {
    const brightwater = faxIdOf['5550003333']!;
    await rowOf(brightwater).getByRole('link').click();
    await page.waitForURL(new RegExp(`/faxes/${brightwater}$`));
    // The page's script posts the mark; then it offers the opposite.
    await page.getByRole('button', { name: 'Mark as unread' }).waitFor({ timeout: 10_000 });
    expect(await page.getByRole('button', { name: 'Mark as read' }).isVisible()).toBe(false);
    expect(await eventTypes(brightwater)).toContain('FaxMarkedRead');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'console-fax-read');

    await page.goto(`${base}/inbox`);
    expect(await rowOf(brightwater).getAttribute('class')).toBeNull();
    expect(await rowOf(brightwater).locator('.badge').count()).toBe(0);
    expect(await rowOf(brightwater).locator('td').first().evaluate((cell) => (globalThis as unknown as { getComputedStyle(element: unknown): { fontWeight: string } }).getComputedStyle(cell).fontWeight)).toBe('400');
    expect(await unreadCount()).toBe('1 unread fax');
    // The timeline tells who read it.
    await page.goto(`${base}/faxes/${brightwater}`);
    expect(await page.locator('ol.timeline li[data-event=FaxMarkedRead]').textContent()).toContain('Marked read');
    expect(await page.locator('ol.timeline li[data-event=FaxMarkedRead]').textContent()).toContain('by desk');

    await page.getByRole('button', { name: 'Mark as unread' }).click();
    await page.waitForURL(/\/inbox$/);
    expect(await rowOf(brightwater).getAttribute('class')).toBe('unread');
    expect(await unreadCount()).toBe('2 unread faxes');
    expect((await eventTypes(brightwater)).slice(-1)).toEqual(['FaxMarkedUnread']);

    // "Unread only" lists the unread ones.
    await page.goto(`${base}/faxes/${faxIdOf['5550004444']!}`);
    await page.getByRole('button', { name: 'Mark as unread' }).waitFor({ timeout: 10_000 });
    await page.goto(`${base}/inbox`);
    await page.getByLabel('Unread only').check();
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/unread=1/);
    expect(await page.locator('tbody tr').evaluateAll((rows) => rows.map((row) => (row as unknown as { id: string }).id))).toEqual([`fax-${brightwater}`]);
  });

  it("finds a fax by the simulator station's ident, in any case, and not the others", async () => {
    await page.goto(`${base}/inbox`);
    await page.getByLabel('Ident or name').fill('brightWATER');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/text=brightWATER/);
    expect(await page.locator('tbody tr').evaluateAll((rows) => rows.map((row) => (row as unknown as { id: string }).id))).toEqual([`fax-${faxIdOf['5550003333']!}`]);
    expect(await page.getByLabel('Ident or name').inputValue()).toBe('brightWATER');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'console-inbox-text-search');

    // Too short to search: said in words, next to the form.
    await page.goto(`${base}/inbox?text=br`);
    expect(await page.getByRole('alert').textContent()).toContain('Text: type at least 3 characters');
  });

  it('refuses a read mark without the CSRF token, and a mark of a fax that is not there, changing nothing', async () => {
    const harbour = faxIdOf['5550004444']!;
    const before = await eventTypes(harbour);
    const refused = await page.request.post(`${base}/faxes/${harbour}/unread`, { form: { other: 'x' }, maxRedirects: 0 });
    expect(refused.status()).toBe(403);
    expect(await refused.text()).toContain('no CSRF token');
    const missing = await page.request.post(`${base}/faxes/no-such-fax/read`, { form: { csrf: 'whatever' }, maxRedirects: 0 });
    expect([403, 404]).toContain(missing.status());
    expect(await eventTypes(harbour)).toEqual(before);
  });

  it('leaves a fax unread when the platform admin, browsing every tenant, opens it', async () => {
    const brightwater = faxIdOf['5550003333']!;
    const admin = await (await browser.newContext()).newPage();
    await signInOnPage(admin, base, 'admin', testAdminKey, /\/inbox$/);
    const before = await eventTypes(brightwater);
    await admin.goto(`${base}/faxes/${brightwater}`, { waitUntil: 'networkidle' });
    expect(await admin.getByRole('button', { name: 'Mark as read' }).isVisible()).toBe(true);
    expect(await admin.locator('#mark-read').getAttribute('data-auto')).toBeNull();
    expect(await eventTypes(brightwater)).toEqual(before);
    await admin.context().close();
  });
});
