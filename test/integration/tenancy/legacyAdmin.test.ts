import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { basic, disposeTenancyHarness, startTenancyHarness, type TenancyHarness } from '../../support/tenancyHarness.js';

type Json = Record<string, any>;

/**
 * The data-model examples of the original README, as requests. The README was scraped through a
 * CDN that replaced every e-mail address with "[email protected]"; those placeholders are swapped
 * for real addresses, and the Endpoint example's `//` comments (not JSON) are stripped. The rest
 * is byte-for-byte.
 */
const readme = readFileSync(new URL('../../fixtures/gofaxserver-README.txt', import.meta.url), 'utf8');
function readmeExample(heading: string): string {
  const start = readme.indexOf('{', readme.indexOf(`\n${heading}\n`));
  const end = readme.indexOf('\n}', start) + 2;
  return readme
    .slice(start, end)
    .replace(/\[email\s*protected\]/g, 'fax@acme.example')
    .replace(/\s*\/\/.*$/gm, '');
}

describe('original admin API (/admin/*)', () => {
  let h: TenancyHarness;
  const post = async (path: string, body: string | object, status = 200) => {
    const res = await h.call('POST', path, body);
    const text = await res.text();
    expect(res.status, text).toBe(status);
    return JSON.parse(text) as Json;
  };
  beforeEach(async () => {
    h = await startTenancyHarness();
  });
  afterEach(async () => {
    await disposeTenancyHarness(h);
  });

  it("accepts the README's Tenant, TenantNumber, TenantUser and Endpoint examples as requests", async () => {
    const tenant = await post('/admin/tenant', readmeExample('Tenant'));
    expect(tenant).toEqual({ id: 1, name: 'Acme Corp', email: 'fax@acme.example', notify: '', numbers: [] });

    // Its `webhook` is a name ("Acme Fax Relay"), which nothing can be posted to: refused, saying what works.
    const unnamed = await h.call('POST', '/admin/number', readmeExample('TenantNumber'));
    expect(unnamed.status).toBe(422);
    expect((await unnamed.json()) as Json).toMatchObject({ field: 'webhook', detail: expect.stringContaining('"endpoint_type":"webhook"') });
    expect((await (await h.call('GET', '/v1/tenants/1/numbers')).json()) as Json).toMatchObject({ total: 0 });
    const number = await post('/admin/number', readmeExample('TenantNumber').replace('"Acme Fax Relay"', '"https://relay.acme.example/fax"'));
    expect(number).toEqual({ id: 1, tenant_id: 1, number: '+15551234567', name: '', header: '', cid: '+15551234567', notify_emails: 'fax@acme.example' });
    const hooks = (await (await h.call('GET', '/v1/tenants/1/endpoints?kind=webhook')).json()) as Json;
    expect(hooks.items).toEqual([expect.objectContaining({ scope: 'number', numberId: '1', target: expect.objectContaining({ kind: 'webhook', url: 'https://relay.acme.example/fax' }) })]);

    const user = await post('/admin/user', readmeExample('TenantUser').replace('"encrypted_password"', '"a long passphrase"'));
    expect(user).toEqual({ id: 1, tenant_id: 1, username: 'tenantuser' });
    // The README's api_key became a working (hashed) API key; the password was never echoed.
    expect((await h.call('GET', '/v1/me', undefined, 'Bearer user_api_key')).status).toBe(200);
    expect((await h.call('GET', '/v1/me', undefined, basic('tenantuser', 'a long passphrase'))).status).toBe(200);

    const endpoint = await post('/admin/endpoint', readmeExample('Endpoint'));
    expect(endpoint).toEqual({ id: 2, type: 'tenant', type_id: 1, endpoint_type: 'gateway', endpoint: 'pbx_acme', priority: 0, bridge: false });

    const reloaded = await h.call('GET', '/admin/reload');
    expect(await reloaded.json()).toEqual({ message: 'Data reloaded successfully' });
    expect((await (await h.call('GET', '/v1/tenants/1')).json()) as Json).toMatchObject({ name: 'Acme Corp' });
  });

  it('rejects the scraped e-mail placeholder itself, naming the field', async () => {
    const raw = readme.slice(readme.indexOf('{', readme.indexOf('\nTenant\n')), readme.indexOf('\n}', readme.indexOf('\nTenant\n')) + 2);
    const res = await h.call('POST', '/admin/tenant', raw);
    expect(res.status).toBe(422);
    expect(((await res.json()) as Json).field).toBe('email');
  });

  it('updates and deletes tenants, numbers, users and endpoints with the original field names', async () => {
    await post('/admin/tenant', { name: 'Acme', notify: 'email_full_failure->a@acme.example;b@acme.example' });
    expect(await (await h.call('PUT', '/admin/tenant/1', { email: 'boss@acme.example' })).json()).toMatchObject({ name: 'Acme', email: 'boss@acme.example', notify: 'email_full_failure->a@acme.example;b@acme.example' });
    const badNotify = await h.call('PUT', '/admin/tenant/1', { notify: 'webhook->https://x.example' });
    expect(((await badNotify.json()) as Json).field).toBe('notify');

    await post('/admin/number', { tenant_id: '1', number: '+1 (555) 123-4567', name: 'Main fax', header: 'ACME' });
    const renamed = await h.call('PUT', '/admin/number/1', { number: '5551230000', cid: 'bad' });
    expect(renamed.status).toBe(422);
    expect(((await renamed.json()) as Json).field).toBe('cid');
    expect(await (await h.call('PUT', '/admin/number/1', { number: '5551230000' })).json()).toMatchObject({ number: '+15551230000', name: 'Main fax' });
    expect((await (await h.call('GET', '/v1/tenants/1/numbers')).json()) as Json).toMatchObject({ total: 1 });

    await post('/admin/user', { tenant_id: 1, username: 'acme', password: 'first password' });
    // The original's PUT created a second user; here it changes the password.
    expect(await (await h.call('PUT', '/admin/user/1', { password: 'second password' })).json()).toEqual({ id: 1, tenant_id: 1, username: 'acme' });
    expect((await h.call('GET', '/v1/me', undefined, basic('acme', 'second password'))).status).toBe(200);
    expect((await (await h.call('GET', '/v1/tenants/1/users')).json()) as Json).toMatchObject({ total: 1 });

    const global = await post('/admin/endpoint', { type: 'global', endpoint_type: 'gateway', endpoint: 'carrier:203.0.113.5,203.0.113.6', priority: 666 });
    expect(global).toEqual({ id: 1, type: 'global', type_id: 0, endpoint_type: 'gateway', endpoint: 'carrier:203.0.113.5,203.0.113.6', priority: 666, bridge: false });
    expect((await (await h.call('GET', '/v1/endpoints/1')).json()) as Json).toMatchObject({ deliver: false, target: { role: 'upstream' } });
    const numberHook = await post('/admin/endpoint', { type: 'number', type_id: 1, endpoint_type: 'webhook', endpoint: 'https://hooks.acme.example/fax', priority: 1 });
    expect(numberHook).toMatchObject({ type: 'number', type_id: 1, endpoint: 'https://hooks.acme.example/fax' });
    expect(await (await h.call('PUT', '/admin/endpoint/1', { type: 'global', endpoint_type: 'gateway', endpoint: 'carrier2', priority: 5 })).json()).toMatchObject({ endpoint: 'carrier2', priority: 5 });

    expect(await (await h.call('DELETE', '/admin/endpoint/2')).json()).toEqual({ message: 'endpoint deleted successfully' });
    expect(await (await h.call('DELETE', '/admin/user/1')).json()).toEqual({ message: 'tenant user deleted successfully' });
    expect(await (await h.call('DELETE', '/admin/number?number=5551230000&tenant_id=1')).json()).toEqual({ message: 'tenant number deleted successfully' });
    expect((await h.call('DELETE', '/admin/number?number=5551230000&tenant_id=1')).status).toBe(404);
    expect(await (await h.call('DELETE', '/admin/tenant/1')).json()).toEqual({ message: 'tenant deleted successfully' });
    expect((await h.call('PUT', '/admin/tenant/1', { name: 'gone' })).status).toBe(404);
  });

  it('PUT /admin/endpoint/{id} changes only the fields it is given', async () => {
    await post('/admin/tenant', { name: 'Acme' });
    await post('/admin/number', { tenant_id: 1, number: '5551234567' });
    const hookBody = { target: { kind: 'webhook', url: 'https://hooks.acme.example/fax', secret: 'a secret of 16+ chars', style: 'form' }, numberId: '1' };
    expect((await h.call('POST', '/v1/tenants/1/endpoints', hookBody)).status).toBe(201);
    await post('/admin/endpoint', { type: 'tenant', type_id: 1, endpoint_type: 'gateway', endpoint: 'pbx_acme:192.0.2.10', priority: 2, bridge: true });

    const priority = await h.call('PUT', '/admin/endpoint/1', { priority: 4 });
    expect(priority.status, await priority.clone().text()).toBe(200);
    expect(await priority.json()).toEqual({ id: 1, type: 'number', type_id: 1, endpoint_type: 'webhook', endpoint: 'https://hooks.acme.example/fax', priority: 4, bridge: false });
    // The webhook's secret and style, which the original's fields cannot express, stay.
    expect((await (await h.call('GET', '/v1/tenants/1/endpoints/1')).json()) as Json).toMatchObject({ priority: 4, target: { style: 'form', hasSecret: true } });

    expect(await (await h.call('PUT', '/admin/endpoint/2', { bridge: false })).json()).toEqual({ id: 2, type: 'tenant', type_id: 1, endpoint_type: 'gateway', endpoint: 'pbx_acme:192.0.2.10', priority: 2, bridge: false });
    expect(await (await h.call('PUT', '/admin/endpoint/2', { endpoint: 'pbx_acme2' })).json()).toMatchObject({ endpoint: 'pbx_acme2', priority: 2 });
    const kindOnly = await h.call('PUT', '/admin/endpoint/2', { endpoint_type: 'webhook' });
    expect(kindOnly.status).toBe(422);
    expect(((await kindOnly.json()) as Json).field).toBe('endpoint');
  });

  it("the number's webhook URL becomes a webhook endpoint of the number, once", async () => {
    await post('/admin/tenant', { name: 'Acme' });
    await post('/admin/number', { tenant_id: 1, number: '5551234567' });
    const hooks = async () => ((await (await h.call('GET', '/v1/tenants/1/endpoints?kind=webhook')).json()) as Json).items as Json[];
    expect(await hooks()).toEqual([]);
    for (let i = 0; i < 2; i++) expect((await h.call('PUT', '/admin/number/1', { webhook: 'https://hooks.acme.example/fax' })).status).toBe(200);
    expect(await hooks()).toEqual([expect.objectContaining({ scope: 'number', numberId: '1', deliver: true, target: expect.objectContaining({ url: 'https://hooks.acme.example/fax', style: 'json' }) })]);
    const bad = await h.call('PUT', '/admin/number/1', { webhook: 'ftp://files.acme.example', name: 'unchanged?' });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as Json).field).toBe('webhook');
    expect((await (await h.call('GET', '/v1/tenants/1/numbers/1')).json()) as Json).toMatchObject({ displayName: null });
  });

  it('answers a body of the wrong media type 415 "Unsupported Media Type"', async () => {
    const res = await h.app.request('/admin/tenant', { method: 'POST', headers: { authorization: basic('admin', 'test-admin-key-0123456789'), 'content-type': 'text/plain' }, body: 'name=Acme' });
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect((await res.json()) as Json).toMatchObject({ status: 415, title: 'Unsupported Media Type' });
  });

  it('needs the admin key as the Basic password (any user name)', async () => {
    expect((await h.call('GET', '/admin/reload', undefined, basic('whoever', 'test-admin-key-0123456789'))).status).toBe(200);
    expect((await h.call('GET', '/admin/reload', undefined, basic('admin', 'wrong'))).status).toBe(401);
    expect((await h.call('GET', '/admin/reload', undefined, null)).status).toBe(401);
  });

  it('serves the OpenAPI document with both APIs and an offline docs page', async () => {
    const doc = (await (await h.call('GET', '/openapi.json', undefined, null)).json()) as Json;
    for (const path of ['/admin/tenant', '/admin/number', '/admin/endpoint/{id}', '/admin/user/{id}', '/admin/reload', '/v1/tenants/{tenantId}/numbers', '/v1/me', '/v1/me/api-keys', '/v1/endpoints']) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.components.securitySchemes.adminBasicAuth.scheme).toBe('basic');
    const docs = await h.call('GET', '/docs', undefined, null);
    const html = await docs.text();
    expect(docs.status).toBe(200);
    expect(html).toContain('/openapi.json');
    expect(html).not.toMatch(/<script[^>]+src="http|<link[^>]+href="http/);
  });
});
