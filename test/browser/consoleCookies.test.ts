import { afterEach, describe, expect, it } from 'vitest';
import { startServerWithSimulator } from '../support/serverHarness.js';

// The cookie flags seen on the wire, without a browser: Secure only when TLS is proven.
describe('console cookies', () => {
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
});
