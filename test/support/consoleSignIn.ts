import { expect } from 'vitest';

/** Posts the console's sign-in form as a browser would (its cookie and CSRF token first): the answer as it came. */
export async function postSignIn(base: string, fields: { username: string; password: string; next?: string }): Promise<Response> {
  const form = await fetch(`${base}/sign-in`);
  const signInCookie = /faxengine_signin=([^;]+)/.exec(form.headers.get('set-cookie') ?? '')![1]!;
  const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  return fetch(`${base}/sign-in`, {
    method: 'POST',
    headers: { cookie: `faxengine_signin=${signInCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, ...fields }),
    redirect: 'manual',
  });
}

/** Signs in through the console's form as a browser would; answers the session cookie's value. */
export async function signInByHttp(base: string, username: string, password: string): Promise<string> {
  const signedIn = await postSignIn(base, { next: '/inbox', username, password });
  expect(signedIn.status).toBe(303);
  return /faxengine_session=([^;]+)/.exec(signedIn.headers.get('set-cookie') ?? '')![1]!;
}
