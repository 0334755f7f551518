import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServerWithSimulator } from '../support/serverHarness.js';
import { launchChromium, screenshot, seriousAxeViolations, signInOnPage } from './browserHarness.js';

const scenario = { gateways: { carrier1: { ip: '10.1.1.1' } }, stations: { '5550003333': { pages: 1, ident: 'Brightwater Clinic' } } };
const password = 'purge long password';

describe('console: purge a fax after confirming (chromium, server + simulator)', () => {
  let env: Awaited<ReturnType<typeof startServerWithSimulator>>;
  let browser: Browser;
  let page: Page;
  let base: string;
  let faxId: string;

  async function json(response: Response): Promise<Record<string, unknown>> {
    if (response.status >= 300) throw new Error(`${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  }
  const eventTypes = async () => ((await json(await env.call('GET', `/v1/faxes/${faxId}/events`))).items as Array<{ type: string }>).map((event) => event.type);

  beforeAll(async () => {
    env = await startServerWithSimulator({ scenario });
    base = `http://127.0.0.1:${env.server.httpAddress.port}`;
    const tenantId = String((await json(await env.call('POST', '/v1/tenants', { name: 'Clinic' }))).id);
    await json(await env.call('POST', `/v1/tenants/${tenantId}/numbers`, { number: '5551230000' }));
    await json(await env.call('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }, priority: 0 }));
    await json(await env.call('POST', `/v1/tenants/${tenantId}/users`, { username: 'desk', password }));
    await env.sim.startInboundCall({ from: '5550003333', to: '15551230000', gateway: 'carrier1' }).finished;
    for (let tries = 0; tries < 600; tries++) {
      if (((await json(await env.call('GET', '/v1/faxes'))).items as Array<{ ended: boolean }>).some((fax) => fax.ended)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    faxId = String(((await json(await env.call('GET', '/v1/faxes'))).items as Array<{ faxId: string }>)[0]!.faxId);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
    await signInOnPage(page, base, 'desk', password, /\/inbox$/);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('asks before purging; "Keep it" keeps the fax, "Purge for good" purges it and the page says so', async () => {
    await page.goto(`${base}/faxes/${faxId}`);
    await page.getByRole('link', { name: 'Purge this fax…' }).click();
    await page.waitForURL(new RegExp(`/faxes/${faxId}/purge$`));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Purge this fax?');
    await screenshot(page, 'purge-confirm');
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Keep it' }).click();
    await page.waitForURL(new RegExp(`/faxes/${faxId}$`));
    expect(await eventTypes()).not.toContain('FaxPurgeRequested');

    await page.getByRole('link', { name: 'Purge this fax…' }).click();
    await page.getByRole('button', { name: 'Purge for good' }).click();
    await page.waitForURL(new RegExp(`/faxes/${faxId}$`));
    await expect.poll(eventTypes, { timeout: 30_000 }).toContain('FaxPurged');
    await page.reload();
    expect(await page.locator('main').textContent()).toContain("This fax's personal data was purged.");
    expect(await page.getByRole('link', { name: 'Purge this fax…' }).count()).toBe(0);
    await screenshot(page, 'purge-done');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('refuses a purge form without its CSRF token', async () => {
    const cookies = await page.context().cookies();
    const session = cookies.find((cookie) => cookie.name === 'faxengine_session')!.value;
    const refused = await fetch(`${base}/faxes/${faxId}/purge`, { method: 'POST', headers: { cookie: `faxengine_session=${session}`, 'content-type': 'application/x-www-form-urlencoded' }, body: '', redirect: 'manual' });
    expect(refused.status).toBe(403);
  });
});
