import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { disposeTenancyHarness, startTenancyHarness, type TenancyHarness } from '../../support/tenancyHarness.js';

type Json = Record<string, any>;

// What the schemathesis contract test (test/contract) found, pinned as plain requests.
describe('the API keeps to its OpenAPI document', () => {
  let h: TenancyHarness;
  beforeEach(async () => {
    h = await startTenancyHarness();
    expect((await h.call('POST', '/v1/tenants', { name: 'Acme' })).status).toBe(201);
  });
  afterEach(async () => {
    await disposeTenancyHarness(h);
  });

  it('answers 405 with Allow for a method a path does not serve, and 404 for a path nothing serves', async () => {
    // (fetch cannot send TRACE, the method schemathesis tried; any method a path lacks is the same.)
    const put = await h.call('PUT', '/v1/tenants');
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(put.headers.get('content-type')).toContain('application/problem+json');
    expect((await h.call('PUT', '/v1/tenants/1')).headers.get('allow')).toBe('DELETE, GET, HEAD, PATCH');
    expect((await h.call('DELETE', '/healthz')).status).toBe(405);
    expect((await h.call('GET', '/v1/no-such-thing')).status).toBe(404);
  });

  it('refuses a request without its required body (422, field body) instead of changing nothing', async () => {
    for (const [method, path] of [['PATCH', '/v1/tenants/1'], ['POST', '/v1/tenants/1/numbers'], ['PUT', '/admin/tenant/1']] as const) {
      const res = await h.call(method, path);
      expect(res.status, `${method} ${path}`).toBe(422);
      expect(((await res.json()) as Json).field).toBe('body');
    }
    const wrongType = await h.app.request('/v1/tenants/1', { method: 'PATCH', headers: { authorization: `Basic ${Buffer.from('admin:test-admin-key-0123456789').toString('base64')}`, 'content-type': 'text/plain' }, body: 'name=x' });
    expect(wrongType.status).toBe(415);
  });

  it('reads query values exactly as documented: flags true|false, no empty numbers', async () => {
    expect((await h.call('GET', '/v1/tenants?includeDeleted=true')).status).toBe(200);
    for (const query of ['includeDeleted=', 'includeDeleted=yes', 'offset=', 'offset=%0C%C2%A0', 'offset=1.5', 'offset=-1', 'limit=0', 'offset=1000000001']) {
      const res = await h.call('GET', `/v1/tenants?${query}`);
      expect(res.status, query).toBe(422);
    }
  });

  it('documents every status a route answers and that a body is required', async () => {
    const doc = (await (await h.call('GET', '/openapi.json', undefined, null)).json()) as Json;
    const patch = doc.paths['/v1/tenants/{tenantId}'].patch.responses;
    for (const status of ['200', '400', '401', '403', '404', '413', '415', '422', '429', '503']) expect(Object.keys(patch)).toContain(status);
    expect(Object.keys(doc.paths['/v1/me/api-keys'].get.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '422', '429']));
    expect(doc.paths['/v1/me/api-keys'].post.requestBody.required).toBe(true);
    expect(Object.keys(doc.components.schemas.SendPolicyOverride)).toContain('additionalProperties');
  });
});
