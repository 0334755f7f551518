import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { currentLogin } from './currentLogin.js';
import { sessionCookie, type ConsoleFeature } from './consoleKit.js';
import { cameOverTls } from './secureRequest.js';
import { createSignIn } from './signIn.js';
import { SignInPage } from './signInPage.js';

const signInCookie = 'faxengine_signin';

/** Sign-in (with the API's credentials and login limiter) and sign-out. */
export const signInRoutes: ConsoleFeature = (app, { deps, sessions, signedIn, csrfChecked, html }) => {
  const signIn = createSignIn(deps.auth);
  const trustedProxies = new Set(deps.trustedProxies ?? []);
  const cookieOptions = (c: Context) => ({ httpOnly: true, sameSite: 'Strict' as const, secure: cameOverTls(c, trustedProxies), path: '/' });

  app.get('/', (c) => c.redirect(getCookie(c, sessionCookie) ? '/inbox' : '/sign-in', 303));

  app.get('/sign-in', (c) => {
    // Login CSRF: the form's token must match a SameSite=Strict cookie set with the form.
    const token = randomBytes(24).toString('base64url');
    setCookie(c, signInCookie, token, { ...cookieOptions(c), maxAge: 3600 });
    return html(c, <SignInPage token={token} next={safeNext(c.req.query('next'))} />);
  });
  app.post('/sign-in', async (c) => {
    const form = await c.req.parseBody();
    const username = typeof form.username === 'string' ? form.username.trim() : '';
    const password = typeof form.password === 'string' ? form.password : '';
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
    const expected = getCookie(c, signInCookie);
    const token = randomBytes(24).toString('base64url');
    setCookie(c, signInCookie, token, { ...cookieOptions(c), maxAge: 3600 });
    if (!expected || form.csrf !== expected) return html(c, <SignInPage token={token} next={next} username={username} error="The sign-in form had expired: please try again." />, 403);
    if (!username || !password) return html(c, <SignInPage token={token} next={next} username={username} error="Enter your user name and password." />, 401);
    const outcome = await signIn(c, username, password);
    if ('refused' in outcome) {
      const error = outcome.refused === 'throttled' ? `Too many failed sign-ins: try again in ${outcome.retryAfterSeconds} s.` : 'Wrong user name or password.';
      if (outcome.refused === 'throttled') c.header('retry-after', String(outcome.retryAfterSeconds));
      return html(c, <SignInPage token={token} next={next} username={username} error={error} />, outcome.refused === 'throttled' ? 429 : 401);
    }
    const principal = outcome.principal;
    const session = sessions.create(principal, principal.kind === 'user' ? currentLogin(deps.credentials, principal.userId, undefined)?.passwordHash : undefined);
    deleteCookie(c, signInCookie, { path: '/' });
    setCookie(c, sessionCookie, session.id, cookieOptions(c));
    return c.redirect(next, 303);
  });
  app.post('/sign-out', signedIn, csrfChecked, (c) => {
    sessions.end(c.get('session').id);
    deleteCookie(c, sessionCookie, { path: '/', secure: cameOverTls(c, trustedProxies) });
    return c.redirect('/sign-in', 303);
  });
};

/** Only a path on this site, so a crafted sign-in link cannot send the user elsewhere. */
function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/inbox';
}
