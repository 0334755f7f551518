/**
 * A web console session for the benches, signed in as a browser does: GET /sign-in (its form token
 * and the cookie it is tied to), POST /sign-in with the credentials, keep the session cookie.
 * Answers the `cookie` header value that opens the console's pages.
 */
export async function consoleSignIn(base: string, username: string, password: string): Promise<string> {
  const form = await fetch(`${base}/sign-in`);
  const formCookie = form.headers.getSetCookie().map((cookie) => cookie.split(';')[0]!).join('; ');
  const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!csrf) throw new Error('the sign-in form has no csrf field');
  const response = await fetch(`${base}/sign-in`, {
    method: 'POST',
    headers: { cookie: formCookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password, csrf }).toString(),
    redirect: 'manual',
  });
  const session = response.headers.getSetCookie().find((cookie) => cookie.startsWith('faxengine_session='));
  if (response.status !== 303 || !session) throw new Error(`sign-in as ${username}: ${response.status} ${await response.text()}`);
  return session.split(';')[0]!;
}
