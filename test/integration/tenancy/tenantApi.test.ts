import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminAuth, basic, disposeTenancyHarness, startTenancyHarness, type TenancyHarness } from '../../support/tenancyHarness.js';

type Json = Record<string, any>;

describe('tenant API', () => {
  let h: TenancyHarness;
  const alice = basic('alice', 'alice password');
  const bob = basic('bob', 'bob password');
  let bobsIds: { tenant: string; number: string; user: string; endpoint: string; key: string };

  beforeEach(async () => {
    h = await startTenancyHarness();
    for (const [name, user, number] of [['A', 'alice', '5551234567'], ['B', 'bob', '+442079460958']]) {
      const tenant = (await (await h.call('POST', '/v1/tenants', { name })).json()) as Json;
      await h.call('POST', `/v1/tenants/${tenant.id}/numbers`, { number });
      await h.call('POST', `/v1/tenants/${tenant.id}/users`, { username: user, password: `${user} password` });
      await h.call('POST', `/v1/tenants/${tenant.id}/endpoints`, { target: { kind: 'gateway', gateway: `pbx_${user}` } });
    }
    const key = (await (await h.call('POST', '/v1/me/api-keys', { label: 'bob key' }, bob)).json()) as Json;
    bobsIds = { tenant: '2', number: '2', user: '2', endpoint: '2', key: key.id };
  });
  afterEach(async () => {
    await disposeTenancyHarness(h);
  });

  it('GET /v1/me answers the user and their tenant, by password or API key', async () => {
    const me = (await (await h.call('GET', '/v1/me', undefined, alice)).json()) as Json;
    expect(me).toMatchObject({ user: { username: 'alice', tenantId: '1' }, tenant: { id: '1', name: 'A' }, authenticatedWith: 'password' });
    const issued = (await (await h.call('POST', '/v1/me/api-keys', { label: 'ci', expiresAt: '2999-01-01T00:00:00Z' }, alice)).json()) as Json;
    const byKey = await h.call('GET', '/v1/me', undefined, `Bearer ${issued.key}`);
    expect(((await byKey.json()) as Json).authenticatedWith).toBe('apiKey');
    const keys = (await (await h.call('GET', '/v1/me/api-keys', undefined, alice)).json()) as Json;
    expect(keys.items.map((k: Json) => k.label)).toEqual(['ci']);
    expect((await h.call('DELETE', `/v1/me/api-keys/${issued.id}`, undefined, alice)).status).toBe(204);
    expect((await h.call('GET', '/v1/me', undefined, `Bearer ${issued.key}`)).status).toBe(401);
  });

  it('rejects an API key whose expiry is in the past', async () => {
    const res = await h.call('POST', '/v1/me/api-keys', { expiresAt: '2000-01-01T00:00:00Z' }, alice);
    expect(res.status).toBe(422);
    expect(((await res.json()) as Json).field).toBe('expiresAt');
  });

  it('changes its own password only with the current one', async () => {
    const wrong = await h.call('PUT', '/v1/me/password', { currentPassword: 'nope', newPassword: 'alice new password' }, alice);
    expect(wrong.status).toBe(422);
    expect(((await wrong.json()) as Json).field).toBe('currentPassword');
    expect((await h.call('PUT', '/v1/me/password', { currentPassword: 'alice password', newPassword: 'alice new password' }, alice)).status).toBe(204);
    expect((await h.call('GET', '/v1/me', undefined, alice)).status).toBe(401);
    expect((await h.call('GET', '/v1/me', undefined, basic('alice', 'alice new password'))).status).toBe(200);
  });

  it('reads its own tenant, numbers, users and endpoints but may not change them', async () => {
    expect((await h.call('GET', '/v1/tenants/1', undefined, alice)).status).toBe(200);
    const tenants = (await (await h.call('GET', '/v1/tenants', undefined, alice)).json()) as Json;
    expect(tenants.items.map((t: Json) => t.id)).toEqual(['1']);
    for (const path of ['/v1/tenants/1/numbers', '/v1/tenants/1/numbers/1', '/v1/tenants/1/endpoints', '/v1/tenants/1/endpoints/1', '/v1/tenants/1/users', '/v1/tenants/1/users/1']) {
      expect((await h.call('GET', path, undefined, alice)).status, path).toBe(200);
    }
    expect((await h.call('PATCH', '/v1/tenants/1', { name: 'mine now' }, alice)).status).toBe(403);
    expect((await h.call('POST', '/v1/tenants/1/numbers', { number: '5550001111' }, alice)).status).toBe(403);
    expect((await h.call('GET', '/v1/numbers', undefined, alice)).status).toBe(403);
    expect((await h.call('POST', '/v1/tenants', { name: 'x' }, alice)).status).toBe(403);
    expect((await h.call('GET', '/v1/me', undefined, adminAuth)).status).toBe(403);
  });

  it("answers 404 for every tenant route with another tenant's ids, and leaks nothing", async () => {
    const { tenant, number, user, endpoint, key } = bobsIds;
    const routes: [string, string, unknown?][] = [
      ['GET', `/v1/tenants/${tenant}`],
      ['GET', `/v1/tenants/${tenant}/numbers`],
      ['GET', `/v1/tenants/${tenant}/numbers/${number}`],
      ['GET', `/v1/tenants/${tenant}/users`],
      ['GET', `/v1/tenants/${tenant}/users/${user}`],
      ['GET', `/v1/tenants/${tenant}/endpoints`],
      ['GET', `/v1/tenants/${tenant}/endpoints/${endpoint}`],
      // Bob's objects addressed through Alice's own tenant.
      ['GET', `/v1/tenants/1/numbers/${number}`],
      ['GET', `/v1/tenants/1/users/${user}`],
      ['GET', `/v1/tenants/1/endpoints/${endpoint}`],
      ['DELETE', `/v1/me/api-keys/${key}`],
    ];
    for (const [method, path, body] of routes) {
      const res = await h.call(method, path, body, alice);
      const text = await res.text();
      expect(res.status, `${method} ${path}`).toBe(404);
      for (const secret of ['bob', '+44', 'pbx_bob', '"B"']) expect(text, `${method} ${path}`).not.toContain(secret);
    }
    // Bob's key still works: Alice's attempt changed nothing.
    const keys = (await (await h.call('GET', '/v1/me/api-keys', undefined, bob)).json()) as Json;
    expect(keys.items[0].revokedAt).toBeNull();
  });

  it('answers 401 without saying which part was wrong, and rate-limits failed logins', async () => {
    const unknownUser = await h.call('GET', '/v1/me', undefined, basic('nobody', 'alice password'));
    const wrongPassword = await h.call('GET', '/v1/me', undefined, basic('alice', 'wrong password'));
    expect(unknownUser.status).toBe(401);
    expect(wrongPassword.status).toBe(401);
    expect(await unknownUser.text()).toBe(await wrongPassword.text());
    expect(wrongPassword.headers.get('www-authenticate')).toContain('Basic');
    expect((await h.call('GET', '/v1/me', undefined, null)).status).toBe(401);
    expect((await h.call('GET', '/v1/me', undefined, 'Bearer fxk_nope')).status).toBe(401);

    for (let attempt = 0; attempt < 9; attempt++) await h.call('GET', '/v1/me', undefined, basic('alice', 'wrong password'));
    // The address has failed too often: it waits before anything is checked (per address and
    // per account, and who else still gets in: loginThrottle.test.ts, over real sockets).
    const limited = await h.call('GET', '/v1/me', undefined, alice);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('admin API without a configured key', () => {
  it('answers 503 on admin routes and never opens; shared reads without credentials answer 401', async () => {
    const h = await startTenancyHarness({ adminApiKey: null });
    try {
      // GET /v1/tenants… is also a tenant user's read: the admin's (failed) key answers 503 there too.
      for (const [method, path] of [['GET', '/admin/reload'], ['POST', '/admin/tenant'], ['POST', '/v1/tenants'], ['GET', '/v1/numbers'], ['GET', '/v1/tenants'], ['GET', '/v1/tenants/1/endpoints']]) {
        const res = await h.call(method!, path!, method === 'POST' ? {} : undefined, basic('admin', 'any guess at a key'));
        expect(res.status, path).toBe(503);
        expect(((await res.json()) as Json).detail).toContain('FAXENGINE_ADMIN_API_KEY');
      }
      expect((await h.call('GET', '/v1/tenants', undefined, null)).status).toBe(401);
    } finally {
      await disposeTenancyHarness(h);
    }
  });
});
