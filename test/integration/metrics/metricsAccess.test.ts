import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { metricsRoutes, type MetricsRouteDeps } from '../../../src/api/routes/metricsRoutes.js';

const token = 'scrape-token-0123456789';
const exposition = '# HELP up_total x\n# TYPE up_total counter\nup_total 1\n';

/** The route on a real HTTP listener on loopback, so the peer address is the real one. */
describe('GET /metrics access rules', () => {
  let server: ServerType | undefined;
  afterEach(() => {
    server?.close();
    server = undefined;
  });

  async function start(deps: Omit<MetricsRouteDeps, 'scrape'>): Promise<(headers?: Record<string, string>) => Promise<Response>> {
    const routes = metricsRoutes({ ...deps, scrape: async () => ({ contentType: 'text/plain; version=0.0.4; charset=utf-8', body: exposition }) });
    const address = await new Promise<AddressInfo>((resolve) => {
      server = serve({ fetch: routes.fetch, hostname: '127.0.0.1', port: 0 }, (info) => resolve(info));
    });
    return (headers = {}) => fetch(`http://127.0.0.1:${address.port}/metrics`, { headers });
  }

  const problem = async (response: Response) => {
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    return (await response.json()) as { status: number; detail: string };
  };

  it('with nothing configured, answers loopback and refuses anyone else with 403', async () => {
    const get = await start({ trustedProxies: ['127.0.0.1'] });
    const ok = await get();
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await ok.text()).toBe(exposition);
    // Through a trusted proxy, for a client elsewhere.
    const refused = await get({ 'x-forwarded-for': '203.0.113.5' });
    expect(refused.status).toBe(403);
    expect((await problem(refused)).detail).toMatch(/203\.0\.113\.5 may not scrape: without metrics\.allowFrom or metrics\.bearerToken only loopback/);
  });

  it('an X-Forwarded-For from an untrusted peer changes nothing', async () => {
    const get = await start({ allowFrom: ['203.0.113.0/24'] });
    const response = await get({ 'x-forwarded-for': '203.0.113.5' });
    expect(response.status).toBe(403);
    expect((await problem(response)).detail).toBe('127.0.0.1 is not in metrics.allowFrom');
  });

  it('allowFrom admits its addresses and CIDR blocks only', async () => {
    const get = await start({ allowFrom: ['10.0.0.0/8', '198.51.100.7'], trustedProxies: ['127.0.0.1'] });
    expect((await get({ 'x-forwarded-for': '10.1.2.3' })).status).toBe(200);
    expect((await get({ 'x-forwarded-for': '198.51.100.7' })).status).toBe(200);
    expect((await get({ 'x-forwarded-for': '198.51.100.8' })).status).toBe(403);
    // Loopback is not implied once an allow-list is set.
    expect((await get()).status).toBe(403);
  });

  it('a bearer token alone admits any address that sends it, and 401 names what is wrong', async () => {
    const get = await start({ bearerToken: token, trustedProxies: ['127.0.0.1'] });
    const missing = await get();
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await problem(missing)).detail).toBe('a bearer token is required (metrics.bearerToken)');
    const wrong = await get({ authorization: 'Bearer not-the-token-at-all' });
    expect(wrong.status).toBe(401);
    expect((await problem(wrong)).detail).toBe('wrong bearer token (metrics.bearerToken)');
    expect((await get({ authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await get({ authorization: `Bearer ${token}`, 'x-forwarded-for': '203.0.113.5' })).status).toBe(200);
    // HTTP Basic (the API's users) does not open it.
    expect((await get({ authorization: `Basic ${Buffer.from(`admin:${token}`).toString('base64')}` })).status).toBe(401);
  });

  it('token and allow-list together need both', async () => {
    const get = await start({ bearerToken: token, allowFrom: ['10.0.0.0/8'], trustedProxies: ['127.0.0.1'] });
    expect((await get({ authorization: `Bearer ${token}`, 'x-forwarded-for': '10.0.0.9' })).status).toBe(200);
    expect((await get({ authorization: `Bearer ${token}`, 'x-forwarded-for': '192.0.2.1' })).status).toBe(403);
    expect((await get({ 'x-forwarded-for': '10.0.0.9' })).status).toBe(401);
  });
});
