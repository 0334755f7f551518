import { expect } from 'vitest';

/** Signs in through the console's form as a browser would; answers the session cookie's value. */
export async function signInByHttp(base: string, username: string, password: string): Promise<string> {
  const form = await fetch(`${base}/sign-in`);
  const signInCookie = /faxengine_signin=([^;]+)/.exec(form.headers.get('set-cookie') ?? '')![1]!;
  const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const signedIn = await fetch(`${base}/sign-in`, {
    method: 'POST',
    headers: { cookie: `faxengine_signin=${signInCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, next: '/inbox', username, password }),
    redirect: 'manual',
  });
  expect(signedIn.status).toBe(303);
  return /faxengine_session=([^;]+)/.exec(signedIn.headers.get('set-cookie') ?? '')![1]!;
}
