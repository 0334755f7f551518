import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { faxesWhen, okJson, provisionAcme } from '../support/e2eProvisioning.js';
import { startServerWithSimulator } from '../support/serverHarness.js';
import { launchChromium, screenshot, seriousAxeViolations, signInOnPage } from './browserHarness.js';

const scenario = { gateways: { carrier1: { ip: '10.1.1.1' } }, stations: { '5550003333': { pages: 2, ident: 'Brightwater Clinic' } } };
const password = 'trail long password';

describe('console fax page: "Who opened it" (chromium, server + simulator)', () => {
  let env: Awaited<ReturnType<typeof startServerWithSimulator>>;
  let browser: Browser;
  let page: Page;
  let base: string;
  let faxId: string;

  beforeAll(async () => {
    env = await startServerWithSimulator({ scenario });
    base = `http://127.0.0.1:${env.server.httpAddress.port}`;
    await provisionAcme(env, { globalGateways: [{ kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }], user: { username: 'desk', password } });
    await env.sim.startInboundCall({ from: '5550003333', to: '15551230000', gateway: 'carrier1' }).finished;
    const [fax] = await faxesWhen(env, (list) => list.length === 1 && list[0]!.status === 'received');
    faxId = String(fax!.faxId);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
    await signInOnPage(page, base, 'desk', password, /\/inbox$/);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it("lists the fax's readers: the page views and thumbnails of this session, and the API's reads", async () => {
    await page.goto(`${base}/faxes/${faxId}`);
    await expect.poll(() => page.locator('img[alt="Page 2 of 2"]').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), { timeout: 30_000 }).toBeGreaterThan(0);
    await okJson(await env.call('GET', `/v1/faxes/${faxId}/events`));
    // The first view, its two thumbnails and the admin's history read, once stored and projected.
    await expect
      .poll(async () => {
        await page.goto(`${base}/faxes/${faxId}`);
        return page.locator('#access-heading + table tbody tr').count();
      }, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(4);
    const rows = await page.locator('#access-heading + table tbody tr').allTextContents();
    expect(rows.some((row) => row.includes('desk') && row.includes('this page') && row.includes('(console)'))).toBe(true);
    expect(rows.some((row) => row.includes('page 2 (thumbnail)'))).toBe(true);
    expect(rows.some((row) => row.includes('the admin') && row.includes('the history') && row.includes('(api)'))).toBe(true);
    await page.locator('#access-heading').scrollIntoViewIfNeeded();
    await screenshot(page, 'fax-page-who-opened-it');
    expect(await seriousAxeViolations(page)).toEqual([]);
  }, 90_000);
});
