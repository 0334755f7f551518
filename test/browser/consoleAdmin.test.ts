import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RecordedEvent } from '../../src/ports/eventStore.js';
import { startServerWithSimulator, testAdminKey } from '../support/serverHarness.js';
import { startWebhookReceiver } from '../support/webhookReceiver.js';
import { launchChromium, screenshot, seriousAxeViolations, signInOnPage } from './browserHarness.js';

const scenario = {
  gateways: { carrier1: { ip: '10.1.1.1' } },
  stations: { '5550001111': { pages: 1, ident: 'ZETA SENDER' }, '5550002222': { pages: 1, ident: 'OTHER SENDER' } },
};
const zetaPassword = 'zeta long password';
const byAdmin = { actor: 'console', by: 'admin' };

describe('console administration in a real browser (chromium, server + simulator)', () => {
  let env: Awaited<ReturnType<typeof startServerWithSimulator>>;
  let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let hookHealthy = false;
  let browser: Browser;
  let admin: Page;
  let base: string;
  let zetaId: string;
  let otherId: string;

  async function json(response: Response): Promise<Record<string, unknown>> {
    if (response.status >= 300) throw new Error(`${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  }

  async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const faxesOf = async (tenantId: string) => ((await json(await env.call('GET', `/v1/faxes?tenantId=${tenantId}`))).items as Array<{ faxId: string; status: string }>) ?? [];
  const streamOf = (stream: string): Promise<RecordedEvent[]> => env.server.eventStore.readStream(stream);

  async function signIn(target: Page, username: string, password: string) {
    await signInOnPage(target, base, username, password);
  }

  async function expectAccessible(target: Page) {
    expect(await seriousAxeViolations(target)).toEqual([]);
  }

  /** Submits by clicking `button` and answers the status of the form's POST (before any redirect). */
  async function submit(target: Page, button: ReturnType<Page['getByRole']>): Promise<number> {
    const [response] = await Promise.all([target.waitForResponse((r) => r.request().method() === 'POST'), button.click()]);
    await target.waitForLoadState('load');
    return response.status();
  }

  beforeAll(async () => {
    hook = await startWebhookReceiver(null, () => (hookHealthy ? 200 : 503));
    env = await startServerWithSimulator({ scenario, env: { FAXENGINE_NOTIFICATIONS_RETRY_SCHEDULE: '100ms,200ms', FAXENGINE_NOTIFICATIONS_WEBHOOK_TIMEOUT_MS: '1000' } });
    base = `http://127.0.0.1:${env.server.httpAddress.port}`;
    const other = await json(await env.call('POST', '/v1/tenants', { name: 'Other' }));
    otherId = String(other.id);
    await json(await env.call('POST', `/v1/tenants/${otherId}/numbers`, { number: '5559870000' }));
    browser = await launchChromium();
    admin = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
    await signIn(admin, 'admin', testAdminKey);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await env?.close();
    await hook?.close();
  });

  it('creates a tenant, a number (refusing a bad one in the API\'s words), a user and an API key through the pages', async () => {
    await admin.goto(`${base}/admin`);
    await expectAccessible(admin);
    await admin.getByLabel('Name', { exact: true }).fill('Zeta Clinic');
    await admin.getByLabel('Fax ident (optional)').fill('ZETA');
    expect(await submit(admin, admin.getByRole('button', { name: 'Create tenant' }))).toBe(303);
    await expect.poll(() => admin.getByRole('heading', { level: 1 }).textContent()).toBe('Tenant Zeta Clinic');
    zetaId = decodeURIComponent(new URL(admin.url()).pathname.split('/').at(-1)!);

    // Refused as the API refuses it (422 naming the field), the typed values kept.
    await admin.getByLabel('Number', { exact: true }).fill('not a number');
    await admin.getByLabel('Station ident (optional)').fill('ZETA FAX');
    expect(await submit(admin, admin.getByRole('button', { name: 'Add number' }))).toBe(422);
    const numberInput = admin.getByLabel('Number', { exact: true });
    expect(await numberInput.getAttribute('aria-invalid')).toBe('true');
    expect(await admin.locator(`#${await numberInput.getAttribute('aria-describedby').then((ids) => ids!.split(' ')[0])}`).textContent()).toBe('number: "not a number" is not a phone number');
    expect(await numberInput.inputValue()).toBe('not a number');
    expect(await admin.getByLabel('Station ident (optional)').inputValue()).toBe('ZETA FAX');
    await expectAccessible(admin);
    await screenshot(admin, 'console-admin-validation');

    await numberInput.fill('(555) 123-0000');
    expect(await submit(admin, admin.getByRole('button', { name: 'Add number' }))).toBe(303);
    await expect.poll(() => admin.locator('section[aria-labelledby=numbers-heading] td[data-label=Number]').allTextContents()).toEqual(['+15551230000']);
    expect(await admin.getByLabel('Station ident of +15551230000').inputValue()).toBe('ZETA FAX');

    await admin.getByLabel('User name').fill('zeta');
    await admin.getByLabel('Password').fill(zetaPassword);
    expect(await submit(admin, admin.getByRole('button', { name: 'Create user' }))).toBe(303);
    await expect.poll(() => admin.getByRole('heading', { level: 3, name: 'zeta' }).count()).toBe(1);
    // A user name is unique on the platform: the conflict is shown as the API words it (409).
    await admin.getByLabel('User name').fill('zeta');
    await admin.getByLabel('Password').fill(zetaPassword);
    expect(await submit(admin, admin.getByRole('button', { name: 'Create user' }))).toBe(409);
    await expect.poll(() => admin.locator('section[aria-labelledby=users-heading] [role=alert]').textContent()).toBe('zeta is already taken');
    expect(await admin.getByLabel('User name').inputValue()).toBe('zeta');

    // The key is shown once, works with the API, and stops working once revoked.
    await admin.getByLabel('Label of a new key for zeta').fill('billing');
    expect(await submit(admin, admin.getByRole('button', { name: 'Issue API key' }))).toBe(200);
    const key = (await admin.locator('#issued-key').textContent())!;
    expect(key).toMatch(/^fxk_/);
    expect((await env.call('GET', '/v1/me', undefined, `Bearer ${key}`)).status).toBe(200);
    await expectAccessible(admin);
    await screenshot(admin, 'console-admin-users');
    // Shown once: the tenant page itself never shows it again.
    await admin.goto(`${base}/admin/tenants/${zetaId}`);
    expect(await admin.locator('#issued-key').count()).toBe(0);
    expect(await admin.content()).not.toContain(key);
    await submit(admin, admin.getByRole('button', { name: /^Revoke key / }));
    expect((await env.call('GET', '/v1/me', undefined, `Bearer ${key}`)).status).toBe(401);
    await expect.poll(() => admin.locator('ul.keys').textContent()).toContain('revoked');

    // The profile: the fax ident is checked as the API checks it (the nested field named).
    await admin.getByLabel('Fax ident', { exact: true }).fill('FAR TOO LONG FOR A T.30 IDENT');
    expect(await submit(admin, admin.getByRole('button', { name: 'Save profile' }))).toBe(422);
    expect(await admin.locator('#tenant-edit-settings-faxIdent-error').textContent()).toMatch(/^settings\.faxIdent: /);
    await admin.getByLabel('Fax ident', { exact: true }).fill('ZETA CLINIC');
    await admin.getByLabel('Fax header').fill('Zeta Clinic, Springfield');
    expect(await submit(admin, admin.getByRole('button', { name: 'Save profile' }))).toBe(303);
    expect((await json(await env.call('GET', `/v1/tenants/${zetaId}`))).settings).toMatchObject({ faxIdent: 'ZETA CLINIC', faxHeader: 'Zeta Clinic, Springfield' });

    // Every change is in the tenant's stream, recorded as the console's admin.
    const events = await streamOf(`tenant-${zetaId}`);
    expect(events.map((event) => event.type)).toEqual(['TenantCreated', 'NumberAssigned', 'UserCreated', 'ApiKeyIssued', 'ApiKeyRevoked', 'TenantUpdated']);
    for (const event of events) expect(event.metadata).toMatchObject(byAdmin);
  }, 60_000);

  it('adds a carrier gateway, changes its priority and lists it', async () => {
    await admin.goto(`${base}/admin/endpoints`);
    await admin.getByLabel('FreeSWITCH gateway name').fill('carrier1');
    await admin.getByLabel('Source IP addresses').fill('10.1.1.1');
    await admin.getByLabel('Priority', { exact: true }).fill('0');
    expect(await submit(admin, admin.getByRole('button', { name: 'Add gateway' }))).toBe(303);
    await expect.poll(() => admin.locator('td[data-label=Target]').allTextContents()).toEqual(['gateway carrier1 (carrier, from 10.1.1.1)']);

    const priority = admin.getByLabel('Priority of carrier1', { exact: true });
    await priority.fill('10000');
    expect(await submit(admin, admin.getByRole('button', { name: 'Save priority of carrier1' }))).toBe(422);
    await expect.poll(() => admin.getByLabel('Priority of carrier1', { exact: true }).inputValue()).toBe('10000');
    expect(await admin.locator('[id^=endpoint-][id$=-priority-error]').textContent()).toMatch(/^priority: /);
    await admin.getByLabel('Priority of carrier1', { exact: true }).fill('5');
    expect(await submit(admin, admin.getByRole('button', { name: 'Save priority of carrier1' }))).toBe(303);
    expect(await admin.getByLabel('Priority of carrier1', { exact: true }).inputValue()).toBe('5');
    await expectAccessible(admin);
    await screenshot(admin, 'console-admin-endpoints');

    const config = await streamOf('system-config');
    expect(config.map((event) => [event.type, event.metadata.by])).toEqual([
      ['EndpointAdded', 'admin'],
      ['EndpointUpdated', 'admin'],
    ]);
    const endpoint = (await json(await env.call('GET', '/v1/endpoints'))).items as Array<{ priority: number; target: { role: string } }>;
    expect(endpoint).toMatchObject([{ priority: 5, target: { role: 'upstream' } }]);
  });

  it("lets the new user sign in and see only that tenant's faxes; another tenant's fax is a 404 page and /admin a 403 page", async () => {
    // A webhook that refuses until dead-lettered, for the dead letters page below.
    await json(await env.call('POST', `/v1/tenants/${zetaId}/endpoints`, { target: { kind: 'webhook', url: hook.url, style: 'json' } }));
    await env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;
    await env.sim.startInboundCall({ from: '5550002222', to: '15559870000', gateway: 'carrier1' }).finished;
    const [zetaFax] = await poll(() => faxesOf(zetaId), (faxes) => faxes[0]?.status === 'received', "Zeta's fax");
    const [otherFax] = await poll(() => faxesOf(otherId), (faxes) => faxes[0]?.status === 'received', "Other's fax");

    const user = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
    await signIn(user, 'zeta', zetaPassword);
    expect(new URL(user.url()).pathname).toBe('/inbox');
    await expect.poll(() => user.locator('tbody tr').count()).toBe(1);
    expect(await user.locator('tbody td[data-label=From]').allTextContents()).toEqual(['5550001111']);
    await user.goto(`${base}/faxes`);
    expect(await user.locator('tbody td[data-label=From]').allTextContents()).toEqual(['5550001111']);
    expect((await user.goto(`${base}/faxes/${zetaFax!.faxId}`))?.status()).toBe(200);

    expect((await user.goto(`${base}/faxes/${otherFax!.faxId}`))?.status()).toBe(404);
    await expect.poll(() => user.getByRole('heading', { level: 1 }).textContent()).toBe('Fax not found');

    for (const path of ['/admin', '/admin/tenants/' + zetaId, '/admin/endpoints', '/admin/stations', '/admin/notifications']) {
      expect((await user.goto(`${base}${path}`))?.status()).toBe(403);
    }
    await expect.poll(() => user.getByRole('heading', { level: 1 }).textContent()).toBe('Not allowed');
    expect(await user.getByRole('link', { name: 'Administration' }).count()).toBe(0);
    await expectAccessible(user);
    await screenshot(user, 'console-admin-forbidden');
    // Nor can a user's session give an admin's command by posting the form itself.
    const posted = await user.evaluate(async (token) => {
      const response = await fetch('/admin/tenants', { method: 'POST', body: new URLSearchParams({ csrf: token, name: 'Sneaky' }), redirect: 'manual' });
      return response.status;
    }, (await user.locator('input[name=csrf]').first().getAttribute('value'))!);
    expect(posted).toBe(403);
    expect(((await json(await env.call('GET', '/v1/tenants?name=Sneaky'))).items as unknown[]).length).toBe(0);
    await user.context().close();
  }, 60_000);

  it('lets a tenant user manage their own password and API keys (what /v1/me allows), recorded as that user', async () => {
    const user = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
    await signIn(user, 'zeta', zetaPassword);
    await user.getByRole('link', { name: 'zeta' }).click();
    await user.waitForURL(`${base}/account`);
    await user.getByLabel('Label of a new key').fill('scanner');
    expect(await submit(user, user.getByRole('button', { name: 'Issue API key' }))).toBe(200);
    const key = (await user.locator('#issued-key').textContent())!;
    expect((await env.call('GET', '/v1/me', undefined, `Bearer ${key}`)).status).toBe(200);
    await expectAccessible(user);
    await screenshot(user, 'console-account');
    await user.goto(`${base}/account`);
    expect(await submit(user, user.getByRole('button', { name: /^Revoke key / }))).toBe(303);
    expect((await env.call('GET', '/v1/me', undefined, `Bearer ${key}`)).status).toBe(401);

    await user.getByLabel('Current password').fill('not my password');
    await user.getByLabel('New password').fill('a newer long password');
    expect(await submit(user, user.getByRole('button', { name: 'Change password' }))).toBe(422);
    expect(await user.locator('#password-currentPassword-error').textContent()).toBe('currentPassword: does not match');
    await user.getByLabel('Current password').fill(zetaPassword);
    await user.getByLabel('New password').fill('a newer long password');
    expect(await submit(user, user.getByRole('button', { name: 'Change password' }))).toBe(303);
    // This browser stays signed in; the old password no longer opens the API.
    expect(new URL(user.url()).pathname).toBe('/account');
    expect((await env.call('GET', '/v1/me', undefined, `Basic ${Buffer.from(`zeta:${zetaPassword}`).toString('base64')}`)).status).toBe(401);
    expect((await env.call('GET', '/v1/me', undefined, `Basic ${Buffer.from('zeta:a newer long password').toString('base64')}`)).status).toBe(200);
    const last = (await streamOf(`tenant-${zetaId}`)).at(-1)!;
    expect([last.type, last.metadata]).toEqual(['UserPasswordChanged', expect.objectContaining({ actor: 'console', by: 'user:zeta' })]);
    await user.context().close();
  }, 60_000);

  it('re-delivers a dead-lettered webhook from the dead letters page, recorded as the admin', async () => {
    const [fax] = await faxesOf(zetaId);
    await poll(async () => (await json(await env.call('GET', '/v1/notifications?status=dead'))).items as unknown[], (items) => items.length === 1, 'the dead letter');
    await admin.goto(`${base}/admin/notifications`);
    await expect.poll(() => admin.locator('tbody tr').count()).toBe(1);
    expect(await admin.locator('td[data-label=Notification]').textContent()).toContain(`webhook to ${hook.url}`);
    await expectAccessible(admin);
    await screenshot(admin, 'console-admin-dead-letters');

    hookHealthy = true;
    expect(await submit(admin, admin.getByRole('button', { name: /^Re-deliver / }))).toBe(303);
    const history = await poll(() => streamOf(`fax-${fax!.faxId}`), (events) => events.some((event) => event.type === 'NotificationSent'), 'the redelivered webhook');
    const requested = history.find((event) => event.type === 'NotificationRedeliveryRequested')!;
    expect(requested.data).toMatchObject({ requestedBy: 'admin' });
    expect(requested.metadata).toMatchObject(byAdmin);
    expect(hook.received.at(-1)!.headers['webhook-id']).toBe((requested.data as { notificationId: string }).notificationId);
    await admin.goto(`${base}/admin/notifications`);
    expect(await admin.getByText('No dead letters.').count()).toBe(1);
  }, 60_000);

  it("lets a tenant user re-deliver a dead letter from the fax's page (as the API allows), recorded as that user", async () => {
    hookHealthy = false;
    const before = new Set((await faxesOf(zetaId)).map((fax) => fax.faxId));
    await env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;
    const dead = await poll(
      async () => (await json(await env.call('GET', '/v1/notifications?status=dead'))).items as Array<{ faxId: string; notificationId: string }>,
      (items) => items.some((item) => !before.has(item.faxId)),
      'the second dead letter',
    );
    const faxId = dead.find((item) => !before.has(item.faxId))!.faxId;

    const user = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
    await signIn(user, 'zeta', 'a newer long password');
    await user.goto(`${base}/faxes/${faxId}`);
    const notifications = user.getByRole('region', { name: 'Notifications' });
    await expect.poll(() => notifications.textContent()).toContain(`webhook to ${hook.url}`);
    expect(await notifications.textContent()).toContain('dead-lettered');
    await expectAccessible(user);
    await screenshot(user, 'console-fax-dead-letter');

    hookHealthy = true;
    expect(await submit(user, notifications.getByRole('button', { name: /^Re-deliver / }))).toBe(303);
    const history = await poll(() => streamOf(`fax-${faxId}`), (events) => events.some((event) => event.type === 'NotificationSent'), 'the redelivered webhook');
    const requested = history.find((event) => event.type === 'NotificationRedeliveryRequested')!;
    expect(requested.data).toMatchObject({ requestedBy: 'user:zeta' });
    expect(requested.metadata).toMatchObject({ actor: 'console', by: 'user:zeta' });
    await user.goto(`${base}/faxes/${faxId}`);
    await expect.poll(() => notifications.textContent()).toContain('delivered');
    expect(await notifications.getByRole('button', { name: /^Re-deliver / }).count()).toBe(0);

    // Another tenant's fax cannot be reached this way either: the same 404 page.
    const [otherFax] = await faxesOf(otherId);
    const csrf = await user.locator('input[name=csrf]').first().inputValue();
    const refused = await user.request.post(`${base}/faxes/${otherFax!.faxId}/notifications/any/redeliver`, { form: { csrf }, maxRedirects: 0 });
    expect(refused.status()).toBe(404);
    await user.context().close();
  }, 60_000);

  it("switches a station on T.38 fallback back to T.38 (the API's station command, recorded as the admin)", async () => {
    await json(await env.call('PUT', '/v1/stations/5550003333/fallback', { reason: 'test' }));
    await admin.goto(`${base}/admin/stations`);
    const row = admin.locator('#station-15550003333');
    expect(await row.locator('td[data-label="Calls use"]').textContent()).toBe('audio (T.38 fallback)');
    await expectAccessible(admin);
    await screenshot(admin, 'console-admin-stations');
    expect(await submit(admin, admin.getByRole('button', { name: 'Switch +15550003333 back to T.38' }))).toBe(303);
    expect(await admin.locator('#station-15550003333 td[data-label="Calls use"]').textContent()).toBe('T.38');
    expect((await json(await env.call('GET', '/v1/stations/5550003333'))).needsAudio).toBe(false);
    const last = (await streamOf('station-+15550003333')).at(-1)!;
    expect([last.type, last.metadata]).toEqual(['StationFallbackCleared', expect.objectContaining(byAdmin)]);
  });

  it('views the console as a tenant until stopped, and deletes a tenant after asking', async () => {
    await admin.goto(`${base}/admin`);
    await submit(admin, admin.getByRole('button', { name: 'View as Zeta Clinic' }));
    expect(new URL(admin.url()).pathname).toBe('/inbox');
    const banner = admin.locator('form.acting');
    expect(await banner.textContent()).toContain('Acting as Zeta Clinic');
    await expectAccessible(admin);
    await screenshot(admin, 'console-admin-acting');
    await submit(admin, banner.getByRole('button', { name: 'Stop' }));
    expect(new URL(admin.url()).pathname).toBe('/admin');
    expect(await admin.locator('form.acting').count()).toBe(0);

    // An admin's form without the session's CSRF token is refused too.
    const forged = await admin.evaluate(async () => (await fetch('/admin/tenants', { method: 'POST', body: new URLSearchParams({ name: 'Forged' }), redirect: 'manual' })).status);
    expect(forged).toBe(403);
    await admin.getByLabel('Name', { exact: true }).fill('Short Lived');
    await submit(admin, admin.getByRole('button', { name: 'Create tenant' }));
    const id = decodeURIComponent(new URL(admin.url()).pathname.split('/').at(-1)!);
    await admin.getByRole('link', { name: 'Delete Short Lived…' }).click();
    await admin.waitForURL(/\/delete$/);
    await expectAccessible(admin);
    await screenshot(admin, 'console-admin-delete-tenant');
    expect(await submit(admin, admin.getByRole('button', { name: 'Delete Short Lived' }))).toBe(303);
    expect(await admin.getByRole('link', { name: 'Short Lived' }).count()).toBe(0);
    expect((await env.call('GET', `/v1/tenants/${id}`)).status).toBe(404);
    expect((await streamOf(`tenant-${id}`)).at(-1)).toMatchObject({ type: 'TenantDeleted', metadata: byAdmin });
  });
});
