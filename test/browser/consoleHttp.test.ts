import { afterEach, describe, expect, it } from 'vitest';
import { startServerWithSimulator, testAdminKey } from '../support/serverHarness.js';

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

  it('ends its live streams when the server starts shutting down, so open tabs do not hold the drain up', async () => {
    env = await startServerWithSimulator();
    const base = `http://127.0.0.1:${env.server.httpAddress.port}`;
    const form = await fetch(`${base}/sign-in`);
    const signInCookie = /faxengine_signin=([^;]+)/.exec(form.headers.get('set-cookie') ?? '')![1]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const signedIn = await fetch(`${base}/sign-in`, {
      method: 'POST',
      headers: { cookie: `faxengine_signin=${signInCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, next: '/inbox', username: 'admin', password: testAdminKey }),
      redirect: 'manual',
    });
    expect(signedIn.status).toBe(303);
    const session = /faxengine_session=([^;]+)/.exec(signedIn.headers.get('set-cookie') ?? '')![1]!;
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
