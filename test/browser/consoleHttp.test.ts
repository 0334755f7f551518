import { afterEach, describe, expect, it } from 'vitest';
import { basicAuth, startServerWithSimulator, testAdminKey } from '../support/serverHarness.js';
import { postSignIn, signInByHttp } from '../support/consoleSignIn.js';


// The console over plain HTTP, without a browser: what is seen on the wire.
describe('console over HTTP', () => {
  let env: Awaited<ReturnType<typeof startServerWithSimulator>> | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  const signInCookie = async (headers: Record<string, string>) => {
    const response = await fetch(`http://127.0.0.1:${env!.server.httpAddress.port}/sign-in`, { headers });
    expect(response.status).toBe(200);
    return response.headers.get('set-cookie') ?? '';
  };

  it('are Secure when a trusted proxy says the browser used https, and only then', async () => {
    env = await startServerWithSimulator({ env: { FAXENGINE_AUTH_TRUSTED_PROXIES: '127.0.0.1' } });
    const proxied = await signInCookie({ 'x-forwarded-proto': 'https' });
    expect(proxied).toMatch(/faxengine_signin=[^;]+;.*HttpOnly/);
    expect(proxied).toContain('SameSite=Strict');
    expect(proxied).toContain('Secure');
    expect(await signInCookie({ 'x-forwarded-proto': 'http' })).not.toContain('Secure');
  });

  it('ignore X-Forwarded-Proto from a peer that is no trusted proxy', async () => {
    env = await startServerWithSimulator();
    const direct = await signInCookie({ 'x-forwarded-proto': 'https' });
    expect(direct).toContain('HttpOnly');
    expect(direct).not.toContain('Secure');
  });

  it('refuses a sign-in POST that does not carry the token of its own sign-in form (login CSRF)', async () => {
    env = await startServerWithSimulator();
    const base = `http://127.0.0.1:${env.server.httpAddress.port}`;
    const post = (headers: Record<string, string>, csrf?: string) =>
      fetch(`${base}/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ ...(csrf ? { csrf } : {}), username: 'admin', password: testAdminKey }),
        redirect: 'manual',
      });
    for (const refused of [await post({}), await post({}, 'guessed'), await post({ cookie: 'faxengine_signin=one' }, 'another')]) {
      expect(refused.status).toBe(403);
      expect(refused.headers.get('set-cookie') ?? '').not.toContain('faxengine_session=');
      expect(await refused.text()).toContain('The sign-in form had expired');
    }
    expect((await post({ cookie: 'faxengine_signin=same' }, 'same')).status).toBe(303);
  });

  it("counts failed sign-ins with the API's login limiter: an address the API throttles cannot sign in either", async () => {
    env = await startServerWithSimulator({ env: { FAXENGINE_AUTH_THROTTLE_DELAY: '1m' } });
    const base = `http://127.0.0.1:${env.server.httpAddress.port}`;
    for (let failure = 0; failure < 5; failure++) expect((await env.call('GET', '/v1/faxes', undefined, basicAuth('nobody', 'wrong password'))).status).toBe(401);
    const throttled = await postSignIn(base, { username: 'admin', password: testAdminKey });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await throttled.text()).toContain('Too many failed sign-ins');
  });

  it("ends a user's session when the user's password changes (as the API refuses the old one)", async () => {
    env = await startServerWithSimulator();
    const base = `http://127.0.0.1:${env.server.httpAddress.port}`;
    const tenant = (await (await env.call('POST', '/v1/tenants', { name: 'Acme' })).json()) as { id: string };
    expect((await env.call('POST', `/v1/tenants/${tenant.id}/users`, { username: 'acme', password: 'acme long password' })).status).toBe(201);
    const session = await signInByHttp(base, 'acme', 'acme long password');
    const inbox = () => fetch(`${base}/inbox`, { headers: { cookie: `faxengine_session=${session}` }, redirect: 'manual' });
    expect((await inbox()).status).toBe(200);
    const change = await env.call('PUT', '/v1/me/password', { currentPassword: 'acme long password', newPassword: 'a brand new password' }, basicAuth('acme', 'acme long password'));
    expect(change.status).toBe(204);
    let response = await inbox();
    for (let tries = 0; tries < 200 && response.status === 200; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      response = await inbox();
    }
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/sign-in/);
  });

  it('pages the inbox 50 at a time with a "Next page" link carrying the keyset cursor', async () => {
    env = await startServerWithSimulator({ scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, stations: { '5550001111': { pages: 1 } } } });
    const base = `http://127.0.0.1:${env.server.httpAddress.port}`;
    const tenant = (await (await env.call('POST', '/v1/tenants', { name: 'Acme' })).json()) as { id: string };
    await env.call('POST', `/v1/tenants/${tenant.id}/numbers`, { number: '5551230000' });
    await env.call('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }, priority: 0 });
    for (let call = 0; call < 52; call++) await env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;
    const session = await signInByHttp(base, 'admin', testAdminKey);
    const page = async (path: string) => (await fetch(`${base}${path}`, { headers: { cookie: `faxengine_session=${session}` } })).text();
    const rowIds = (html: string) => [...html.matchAll(/<tr id="fax-([^"]+)"/g)].map((match) => match[1]!);
    let first = await page('/inbox');
    for (let tries = 0; tries < 400 && !first.includes('rel="next"'); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      first = await page('/inbox');
    }
    expect(rowIds(first)).toHaveLength(50);
    const next = /<a href="([^"]+)" rel="next"/.exec(first)![1]!.replaceAll('&amp;', '&');
    expect(next).toMatch(/^\/inbox\?cursor=/);
    let second = await page(next);
    for (let tries = 0; tries < 400 && rowIds(second).length < 2; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      second = await page(next);
    }
    expect(rowIds(second)).toHaveLength(2);
    expect(new Set([...rowIds(first), ...rowIds(second)]).size).toBe(52);
    expect(second).not.toContain('rel="next"');
  }, 60_000);

  it('ends its live streams when the server starts shutting down, so open tabs do not hold the drain up', async () => {
    env = await startServerWithSimulator();
    const base = `http://127.0.0.1:${env.server.httpAddress.port}`;
    const session = await signInByHttp(base, 'admin', testAdminKey);
    const live = await fetch(`${base}/console/live?kind=inbox`, { headers: { cookie: `faxengine_session=${session}`, accept: 'text/event-stream' } });
    expect(live.headers.get('content-type')).toContain('text/event-stream');
    const reader = live.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('event: ready');
    const closing = env.close();
    env = undefined;
    // The stream ends (done) instead of being cut (an error) after the drain's grace period.
    let done = false;
    while (!done) done = (await reader.read()).done;
    await closing;
  });
});
