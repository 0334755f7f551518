import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { basic, disposeTenancyHarness, startTenancyHarness, type TenancyHarness } from '../../support/tenancyHarness.js';

type Json = Record<string, any>;

describe('v1 admin API', () => {
  let h: TenancyHarness;
  const json = async (response: Response | Promise<Response>, status: number): Promise<Json> => {
    const res = await response;
    const text = await res.text();
    expect(res.status, text).toBe(status);
    return text ? JSON.parse(text) : {};
  };
  beforeEach(async () => {
    h = await startTenancyHarness();
  });
  afterEach(async () => {
    await disposeTenancyHarness(h);
  });

  it('creates, reads, lists, updates and deletes tenants', async () => {
    const created = await h.call('POST', '/v1/tenants', { name: 'Acme Corp', email: 'fax@acme.example', settings: { faxIdent: 'ACME' } });
    expect(created.headers.get('location')).toBe('/v1/tenants/1');
    const tenant = await json(created, 201);
    expect(tenant).toMatchObject({ id: '1', name: 'Acme Corp', email: 'fax@acme.example', settings: { faxIdent: 'ACME', notifyOn: 'always' } });
    await json(h.call('POST', '/v1/tenants', { name: 'Globex' }), 201);
    expect((await json(h.call('GET', '/v1/tenants/1'), 200)).name).toBe('Acme Corp');
    const page = await json(h.call('GET', '/v1/tenants?limit=1&offset=1'), 200);
    expect(page).toMatchObject({ total: 2, limit: 1, offset: 1, items: [{ id: '2' }] });
    expect((await json(h.call('GET', '/v1/tenants?name=acme'), 200)).items.map((t: Json) => t.id)).toEqual(['1']);
    const updated = await json(h.call('PATCH', '/v1/tenants/1', { settings: { retentionDays: 30 } }), 200);
    expect(updated).toMatchObject({ name: 'Acme Corp', settings: { faxIdent: 'ACME', retentionDays: 30 } });
    expect((await h.call('DELETE', '/v1/tenants/1')).status).toBe(204);
    await json(h.call('GET', '/v1/tenants/1'), 404);
    expect((await json(h.call('GET', '/v1/tenants'), 200)).total).toBe(1);
    expect((await json(h.call('GET', '/v1/tenants?includeDeleted=true'), 200)).total).toBe(2);
    await json(h.call('DELETE', '/v1/tenants/1'), 404);
  });

  it('keeps a tenant send policy override until it is set to null (inherit the global policy)', async () => {
    const created = await json(h.call('POST', '/v1/tenants', { name: 'Acme', settings: { sendPolicy: { maxAttempts: 5, busyRetryDelayMs: 60_000 } } }), 201);
    expect(created.settings.sendPolicy).toEqual({ maxAttempts: 5, busyRetryDelayMs: 60_000 });
    expect((await json(h.call('GET', '/v1/tenants/1'), 200)).settings.sendPolicy).toEqual({ maxAttempts: 5, busyRetryDelayMs: 60_000 });
    await json(h.call('PATCH', '/v1/tenants/1', { settings: { faxIdent: 'ACME' } }), 200);
    expect((await json(h.call('GET', '/v1/tenants/1'), 200)).settings.sendPolicy).toEqual({ maxAttempts: 5, busyRetryDelayMs: 60_000 });
    // The override is one value: a new one replaces the old one whole.
    await json(h.call('PATCH', '/v1/tenants/1', { settings: { sendPolicy: { gatewayCooldownMs: 5_000 } } }), 200);
    expect((await json(h.call('GET', '/v1/tenants/1'), 200)).settings.sendPolicy).toEqual({ gatewayCooldownMs: 5_000 });
    await json(h.call('PATCH', '/v1/tenants/1', { settings: { sendPolicy: null } }), 200);
    expect((await json(h.call('GET', '/v1/tenants/1'), 200)).settings.sendPolicy).toBeNull();
    expect((await json(h.call('POST', '/v1/tenants', { name: 'Globex', settings: { sendPolicy: {} } }), 201)).settings.sendPolicy).toBeNull();
    const doc = await json(h.call('GET', '/openapi.json', undefined, null), 200);
    expect(Object.keys(doc.components.schemas.SendPolicyOverride.properties)).toContain('maxAttempts');
  });

  it('refuses a query parameter a /v1 operation does not take, naming it', async () => {
    await json(h.call('POST', '/v1/tenants', { name: 'Acme' }), 201);
    const misspelt = await json(h.call('GET', '/v1/tenants?limt=1'), 422);
    expect(misspelt).toMatchObject({ status: 422, field: 'limt' });
    expect(misspelt.detail).toContain('unknown query parameter');
    expect((await json(h.call('GET', '/v1/endpoints?knd=webhook&limit=5'), 422)).field).toBe('knd');
    // The parameters an operation defines still work.
    expect((await json(h.call('GET', '/v1/tenants?limit=1'), 200)).items).toHaveLength(1);
  });

  it('answers validation errors as problem+json naming the field', async () => {
    const cases: [string, string, unknown, string][] = [
      ['POST', '/v1/tenants', { name: '' }, 'name'],
      ['POST', '/v1/tenants', { name: 'x', email: 'not-an-email' }, 'email'],
      ['POST', '/v1/tenants', { name: 'x', settings: { faxIdent: 'an ident longer than twenty' } }, 'settings.faxIdent'],
      ['POST', '/v1/tenants', { name: 'x', settings: { sendPolicy: { maxAttempts: 50 } } }, 'settings.sendPolicy.maxAttempts'],
      ['POST', '/v1/tenants', { name: 'x', settings: { sendPolicy: { busyRetryDelayMs: 10 } } }, 'settings.sendPolicy.busyRetryDelayMs'],
      ['POST', '/v1/tenants', { name: 'x', settings: { sendPolicy: { maxTries: 5 } } }, 'settings.sendPolicy.maxTries'],
      ['POST', '/v1/tenants', { name: 'x', settings: { sendPolicy: 5 } }, 'settings.sendPolicy'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await h.call(method, path, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(((await res.json()) as Json).field).toBe(field);
    }
    const malformed = await h.call('POST', '/v1/tenants', '{"name": ');
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toContain('application/problem+json');
    expect(((await malformed.json()) as Json).field).toBe('body');
  });

  it('stores numbers as E.164 and keeps each number with one tenant, even under concurrent requests', async () => {
    await json(h.call('POST', '/v1/tenants', { name: 'A' }), 201);
    await json(h.call('POST', '/v1/tenants', { name: 'B' }), 201);
    const number = await json(h.call('POST', '/v1/tenants/1/numbers', { number: '5551234567', stationIdent: '+1 555 123 4567' }), 201);
    expect(number).toMatchObject({ id: '1', tenantId: '1', number: '+15551234567', direction: 'both' });
    const clash = await json(h.call('POST', '/v1/tenants/2/numbers', { number: '+15551234567' }), 409);
    expect(clash.title).toBe('Conflict');
    await json(h.call('POST', '/v1/tenants/1/numbers', { number: '+1 555 123 4567' }), 409);
    expect((await json(h.call('POST', '/v1/tenants/2/numbers', { number: '+44 20 7946 0958' }), 201)).number).toBe('+442079460958');

    const racers = await Promise.all(['1', '2', '1', '2'].map((tenantId) => h.call('POST', `/v1/tenants/${tenantId}/numbers`, { number: '5559876543' })));
    expect(racers.map((res) => res.status).sort()).toEqual([201, 409, 409, 409]);
    expect((await json(h.call('GET', '/v1/numbers?number=5559876543'), 200)).total).toBe(1);

    // Releasing frees the number for another tenant.
    expect((await h.call('DELETE', '/v1/tenants/1/numbers/1')).status).toBe(204);
    expect((await json(h.call('POST', '/v1/tenants/2/numbers', { number: '5551234567' }), 201)).tenantId).toBe('2');
  });

  it('reads, lists, filters and updates numbers', async () => {
    await json(h.call('POST', '/v1/tenants', { name: 'A' }), 201);
    await json(h.call('POST', '/v1/tenants/1/numbers', { number: '5551234567', direction: 'inbound' }), 201);
    await json(h.call('POST', '/v1/tenants/1/numbers', { number: '5551234568' }), 201);
    expect((await json(h.call('GET', '/v1/tenants/1/numbers'), 200)).total).toBe(2);
    expect((await json(h.call('GET', '/v1/tenants/1/numbers?direction=inbound'), 200)).items).toHaveLength(1);
    expect((await json(h.call('GET', '/v1/tenants/1/numbers/2'), 200)).number).toBe('+15551234568');
    const updated = await json(h.call('PATCH', '/v1/tenants/1/numbers/2', { number: '5551230000', callerId: '5551234567', notifyEmails: ['ops@a.example'] }), 200);
    expect(updated).toMatchObject({ number: '+15551230000', callerId: '+15551234567', notifyEmails: ['ops@a.example'] });
    await json(h.call('PATCH', '/v1/tenants/1/numbers/2', { callerId: 'nope' }), 422);
    await json(h.call('GET', '/v1/numbers?number=junk'), 422);
    expect((await json(h.call('GET', '/v1/numbers?tenantId=1'), 200)).total).toBe(2);
    await json(h.call('POST', '/v1/tenants/9/numbers', { number: '5551112222' }), 404);
  });

  it('manages users with platform-wide unique names, and their API keys', async () => {
    await json(h.call('POST', '/v1/tenants', { name: 'A' }), 201);
    await json(h.call('POST', '/v1/tenants', { name: 'B' }), 201);
    const user = await json(h.call('POST', '/v1/tenants/1/users', { username: 'alice', password: 'alice password' }), 201);
    expect(user).toEqual({ id: '1', tenantId: '1', username: 'alice', disabled: false, createdAt: expect.any(String), updatedAt: expect.any(String) });
    await json(h.call('POST', '/v1/tenants/2/users', { username: 'ALICE', password: 'another password' }), 409);
    await json(h.call('POST', '/v1/tenants/2/users', { username: 'bob', password: 'short' }), 422);
    expect((await json(h.call('GET', '/v1/tenants/1/users'), 200)).items.map((u: Json) => u.username)).toEqual(['alice']);
    expect((await json(h.call('GET', '/v1/tenants/1/users/1'), 200)).username).toBe('alice');

    const issued = await json(h.call('POST', '/v1/tenants/1/users/1/api-keys', { label: 'billing' }), 201);
    expect(issued.key).toMatch(/^fxk_/);
    expect((await json(h.call('GET', '/v1/me', undefined, `Bearer ${issued.key}`), 200)).user.username).toBe('alice');
    const keys = await json(h.call('GET', '/v1/tenants/1/users/1/api-keys'), 200);
    expect(JSON.stringify(keys)).not.toContain(issued.key);
    expect(keys.items[0]).toMatchObject({ id: issued.id, label: 'billing', revokedAt: null });
    expect((await h.call('DELETE', `/v1/tenants/1/users/1/api-keys/${issued.id}`)).status).toBe(204);
    await json(h.call('GET', '/v1/me', undefined, `Bearer ${issued.key}`), 401);

    await json(h.call('PATCH', '/v1/tenants/1/users/1', { password: 'new alice password' }), 200);
    await json(h.call('GET', '/v1/me', undefined, basic('alice', 'new alice password')), 200);
    expect((await json(h.call('PATCH', '/v1/tenants/1/users/1', { disabled: true }), 200)).disabled).toBe(true);
    await json(h.call('GET', '/v1/me', undefined, basic('alice', 'new alice password')), 401);
    expect((await h.call('DELETE', '/v1/tenants/1/users/1')).status).toBe(204);
    // The name is free again.
    await json(h.call('POST', '/v1/tenants/2/users', { username: 'alice', password: 'alice in tenant b' }), 201);
  });

  it('manages tenant, number and global endpoints and hides webhook secrets', async () => {
    await json(h.call('POST', '/v1/tenants', { name: 'A' }), 201);
    await json(h.call('POST', '/v1/tenants/1/numbers', { number: '5551234567' }), 201);
    const gateway = await json(h.call('POST', '/v1/tenants/1/endpoints', { target: { kind: 'gateway', gateway: 'pbx_acme', sourceIps: ['192.0.2.10'] }, priority: 5 }), 201);
    expect(gateway).toMatchObject({ scope: 'tenant', tenantId: '1', numberId: null, target: { kind: 'gateway', role: 'pbx' }, priority: 5, deliver: true });
    const hook = await json(h.call('POST', '/v1/tenants/1/endpoints', { numberId: '1', target: { kind: 'webhook', url: 'https://hooks.example/fax', secret: 'a-very-secret-value' } }), 201);
    expect(hook.target).toEqual({ kind: 'webhook', url: 'https://hooks.example/fax', style: 'json', hasSecret: true });
    expect(JSON.stringify(hook)).not.toContain('a-very-secret-value');
    await json(h.call('POST', '/v1/tenants/1/endpoints', { numberId: '99', target: { kind: 'email', addresses: ['a@b.example'] } }), 422);
    await json(h.call('POST', '/v1/tenants/1/endpoints', { target: { kind: 'webhook', url: 'ftp://x' } }), 422);
    await json(h.call('POST', '/v1/tenants/1/endpoints', { target: { kind: 'pigeon' } }), 422);

    const carrier = await json(h.call('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier', sourceIps: ['203.0.113.5'] } }), 201);
    expect(carrier).toMatchObject({ scope: 'global', target: { role: 'upstream' } });
    expect((await json(h.call('GET', '/v1/endpoints?scope=global'), 200)).total).toBe(1);
    expect((await json(h.call('GET', '/v1/endpoints?kind=webhook'), 200)).total).toBe(1);
    expect((await json(h.call('GET', '/v1/tenants/1/endpoints'), 200)).total).toBe(2);
    expect((await json(h.call('GET', '/v1/tenants/1/endpoints?numberId=1'), 200)).items[0].id).toBe(hook.id);
    expect((await json(h.call('GET', `/v1/tenants/1/endpoints/${gateway.id}`), 200)).priority).toBe(5);
    expect((await json(h.call('GET', `/v1/endpoints/${gateway.id}`), 200)).tenantId).toBe('1');

    // Updating keeps what is left out, including the write-only secret.
    expect((await json(h.call('PATCH', `/v1/tenants/1/endpoints/${hook.id}`, { priority: 9 }), 200)).target.hasSecret).toBe(true);
    const moved = await json(h.call('PATCH', `/v1/tenants/1/endpoints/${gateway.id}`, { numberId: '1', bridge: true }), 200);
    expect(moved).toMatchObject({ scope: 'number', numberId: '1', bridge: true, priority: 5 });
    expect((await json(h.call('PATCH', `/v1/endpoints/${carrier.id}`, { priority: 3 }), 200)).priority).toBe(3);
    expect((await h.call('DELETE', `/v1/tenants/1/endpoints/${hook.id}`)).status).toBe(204);
    expect((await h.call('DELETE', `/v1/endpoints/${carrier.id}`)).status).toBe(204);
    await json(h.call('GET', `/v1/endpoints/${carrier.id}`), 404);
  });

  it('routes by precedence: number endpoints over tenant endpoints over global ones', async () => {
    await json(h.call('POST', '/v1/tenants', { name: 'A' }), 201);
    await json(h.call('POST', '/v1/tenants/1/numbers', { number: '5551234567' }), 201);
    await json(h.call('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier' } }), 201);
    const route = () => h.readModels.runner.view('routing');
    const { lookupRoute } = await import('../../../projections/routingQueries.js');
    expect(lookupRoute(route(), '+15551234567')?.endpointScope).toBe('global');
    await json(h.call('POST', '/v1/tenants/1/endpoints', { target: { kind: 'email', addresses: ['fax@a.example'] }, priority: 2 }), 201);
    await json(h.call('POST', '/v1/tenants/1/endpoints', { target: { kind: 'gateway', gateway: 'pbx' }, priority: 1 }), 201);
    expect(lookupRoute(route(), '+15551234567')?.endpoints.map((e) => e.target.kind)).toEqual(['gateway', 'email']);
    await json(h.call('POST', '/v1/tenants/1/endpoints', { numberId: '1', target: { kind: 'webhook', url: 'https://n.example' } }), 201);
    expect(lookupRoute(route(), '+15551234567')).toMatchObject({ endpointScope: 'number', endpoints: [{ target: { kind: 'webhook' } }] });
  });

  it('deleting a tenant releases its numbers and disables its users and endpoints', async () => {
    await json(h.call('POST', '/v1/tenants', { name: 'A' }), 201);
    await json(h.call('POST', '/v1/tenants', { name: 'B' }), 201);
    await json(h.call('POST', '/v1/tenants/1/numbers', { number: '5551234567' }), 201);
    await json(h.call('POST', '/v1/tenants/1/users', { username: 'alice', password: 'alice password' }), 201);
    const endpoint = await json(h.call('POST', '/v1/tenants/1/endpoints', { target: { kind: 'gateway', gateway: 'pbx' } }), 201);
    expect((await h.call('DELETE', '/v1/tenants/1')).status).toBe(204);
    await json(h.call('GET', '/v1/me', undefined, basic('alice', 'alice password')), 401);
    expect((await json(h.call('GET', `/v1/endpoints/${endpoint.id}`), 200)).disabled).toBe(true);
    await json(h.call('POST', '/v1/tenants/2/numbers', { number: '5551234567' }), 201);
    const types = (await h.eventStore.readStream('tenant-1')).map((event) => event.type);
    expect(types.slice(-4)).toEqual(['EndpointDisabled', 'NumberReleased', 'UserDisabled', 'TenantDeleted']);
  });
});
