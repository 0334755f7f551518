import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServerWithSimulator, testAdminKey } from '../support/serverHarness.js';
import { launchChromium, screenshot, seriousAxeViolations, signInOnPage } from './browserHarness.js';

describe('privacy options in the admin console (chromium, server + simulator)', () => {
  let env: Awaited<ReturnType<typeof startServerWithSimulator>>;
  let browser: Browser;
  let admin: Page;
  let base: string;
  let tenantId: string;
  let numberId: string;

  async function json(response: Response): Promise<Record<string, unknown>> {
    if (response.status >= 300) throw new Error(`${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  }

  /** Submits by clicking `button` and answers the status of the form's POST (before any redirect). */
  async function submit(target: Page, button: ReturnType<Page['getByRole']>): Promise<number> {
    const [response] = await Promise.all([target.waitForResponse((r) => r.request().method() === 'POST'), button.click()]);
    await target.waitForLoadState('load');
    return response.status();
  }

  beforeAll(async () => {
    env = await startServerWithSimulator({});
    base = `http://127.0.0.1:${env.server.httpAddress.port}`;
    tenantId = String((await json(await env.call('POST', '/v1/tenants', { name: 'Clinic' }))).id);
    numberId = String((await json(await env.call('POST', `/v1/tenants/${tenantId}/numbers`, { number: '5551239999' }))).id);
    browser = await launchChromium();
    admin = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
    await signInOnPage(admin, base, 'admin', testAdminKey);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it("sets the tenant's options in its profile form and a number's override in its row; both show what is stored", async () => {
    await admin.goto(`${base}/admin/tenants/${tenantId}`);
    const tenantDocument = admin.getByLabel('Notifications of received faxes carry', { exact: true });
    expect(await tenantDocument.inputValue()).toBe('attach');
    await tenantDocument.selectOption('link');
    await admin.getByLabel('Received faxes', { exact: true }).selectOption('true');
    expect(await submit(admin, admin.getByRole('button', { name: 'Save profile' }))).toBe(303);
    const tenant = await json(await env.call('GET', `/v1/tenants/${tenantId}`));
    expect(tenant.settings).toMatchObject({ notifyDocument: 'link', storeNothing: true, faxIdent: null });

    const numberStore = admin.getByLabel('Received faxes (+15551239999)');
    // A number inherits until it says otherwise, and the choice names what it inherits.
    expect(await numberStore.inputValue()).toBe('');
    expect(await numberStore.locator('option[value=""]').textContent()).toBe('As the tenant (store nothing)');
    await numberStore.selectOption('false');
    expect(await submit(admin, admin.getByRole('button', { name: 'Save +15551239999' }))).toBe(303);
    expect(await json(await env.call('GET', `/v1/tenants/${tenantId}/numbers/${numberId}`))).toMatchObject({ storeNothing: false, notifyDocument: null });
    expect(await admin.getByLabel('Received faxes (+15551239999)').inputValue()).toBe('false');
    expect(await admin.getByLabel('Notifications of received faxes carry', { exact: true }).inputValue()).toBe('link');
    expect(await seriousAxeViolations(admin)).toEqual([]);
    await screenshot(admin, 'admin-privacy-options');
  });

  it('a value that is not an option is refused with a 422 naming the field, beside the select', async () => {
    await admin.goto(`${base}/admin/tenants/${tenantId}`);
    // A forged form (the select offers no such value).
    // (No DOM types in this project: the page's objects are described as far as used.)
    type SelectLike = { ownerDocument: { createElement(tag: string): { value: string; textContent: string } }; append(option: unknown): void; value: string };
    await admin.getByLabel('Notifications of received faxes carry (+15551239999)').evaluate((element) => {
      const select = element as unknown as SelectLike;
      const option = select.ownerDocument.createElement('option');
      option.value = 'fax-it';
      option.textContent = 'forged';
      select.append(option);
      select.value = 'fax-it';
    });
    expect(await submit(admin, admin.getByRole('button', { name: 'Save +15551239999' }))).toBe(422);
    const error = admin.locator('#number-' + numberId + '-notifyDocument-error');
    expect(await error.textContent()).toContain('attach');
    expect(await admin.getByLabel('Notifications of received faxes carry (+15551239999)').getAttribute('aria-invalid')).toBe('true');
    expect(await json(await env.call('GET', `/v1/tenants/${tenantId}/numbers/${numberId}`))).toMatchObject({ notifyDocument: null });
    expect(await seriousAxeViolations(admin)).toEqual([]);
    await screenshot(admin, 'admin-privacy-refused');
  });
});
