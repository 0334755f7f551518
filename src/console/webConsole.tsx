import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { DocumentView } from '../../projections/documentProjection.js';
import type { Auth } from '../api/auth/authenticate.js';
import type { FaxView } from '../domain/fax/faxView.js';
import type { Clock } from '../ports/clock.js';
import type { DocumentStore } from '../ports/documentStore.js';
import type { EventStore } from '../ports/eventStore.js';
import type { FaxReadModel } from '../ports/faxReadModel.js';
import type { PageImages, PageImageSize } from '../ports/pageImages.js';
import { consoleCss, consoleLiveJs } from './consoleAssets.js';
import { listQueryOf, type ListKind } from './faxFilters.js';
import { FaxListPage, listPaths } from './faxListPage.js';
import { FaxPage, MessagePage } from './faxPage.js';
import { liveFaxes, type AppliedListener } from './liveFaxes.js';
import { currentLogin } from './currentLogin.js';
import { cameOverTls } from './secureRequest.js';
import { createSessionStore, csrfMatches, type ConsoleSession } from './sessions.js';
import { createSignIn } from './signIn.js';
import { SignInPage } from './signInPage.js';

/** Everything the console needs: read models and the API's auth (for sign-in); never an adapter. */
export interface ConsoleDeps {
  faxes: FaxReadModel;
  eventStore: EventStore;
  documents: DocumentStore;
  /** Page thumbnails and large views (the API's cache); without it the fax page lists no images. */
  pageImages?: PageImages;
  auth: Auth;
  /** The credentials read model (the API's): a session ends with its user's login. */
  credentials: () => DocumentView;
  clock: Clock;
  /** Called after the projections applied a batch, with the names of those that changed. */
  onApplied: AppliedListener;
  /** `console.sessionIdleTimeout` in ms. */
  sessionIdleTimeoutMs: number;
  /** `auth.trustedProxies`: whose X-Forwarded-Proto is believed for the cookie's Secure flag. */
  trustedProxies?: readonly string[];
}

type ConsoleEnv = { Variables: { session: ConsoleSession } };

const sessionCookie = 'faxengine_session';
const signInCookie = 'faxengine_signin';
const pageSize = 50;

/** The web console at `/`: sign-in, fax lists with live rows, one fax with its timeline. `close` ends its live streams. */
export function createWebConsole(deps: ConsoleDeps): { routes: Hono; close(): void } {
  const app = new Hono<ConsoleEnv>();
  const sessions = createSessionStore({ idleTimeoutMs: deps.sessionIdleTimeoutMs, clock: deps.clock });
  const signIn = createSignIn(deps.auth);
  const trustedProxies = new Set(deps.trustedProxies ?? []);
  const live = liveFaxes({ faxes: deps.faxes, onApplied: deps.onApplied });
  const cookieOptions = (c: Context) => ({ httpOnly: true, sameSite: 'Strict' as const, secure: cameOverTls(c, trustedProxies), path: '/' });
  const html = (c: Context, page: unknown, status: 200 | 401 | 403 | 404 | 429 = 200) => {
    c.header('cache-control', 'no-store');
    c.header('x-frame-options', 'DENY');
    return c.html(page as string, status);
  };

  /** Signed-in pages: no session → the sign-in form (remembering where the user was going). */
  const signedIn = createMiddleware<ConsoleEnv>(async (c, next) => {
    let session = sessions.touch(getCookie(c, sessionCookie));
    if (session?.principal.kind === 'user' && !currentLogin(deps.credentials, session.principal.userId, session.passwordHash)) {
      sessions.end(session.id);
      session = undefined;
    }
    if (!session) {
      if (c.req.header('accept')?.includes('text/event-stream')) return c.text('signed out', 401);
      return c.redirect(`/sign-in?next=${encodeURIComponent(c.req.path + (new URL(c.req.url).search || ''))}`, 303);
    }
    c.set('session', session);
    await next();
  });

  /** Every POST carries the session's CSRF token in the `csrf` field; anything else is refused. */
  const csrfChecked = createMiddleware<ConsoleEnv>(async (c, next) => {
    const form = await c.req.parseBody();
    if (!csrfMatches(c.get('session'), form.csrf)) {
      return html(c, <MessagePage title="Request refused" message={form.csrf === undefined ? 'The form had no CSRF token: reload the page and try again.' : 'The form had a wrong or expired CSRF token: reload the page and try again.'} session={c.get('session')} />, 403);
    }
    await next();
  });

  app.get('/console/style.css', (c) => c.body(consoleCss, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'max-age=300' }));
  app.get('/console/live.js', (c) => c.body(consoleLiveJs, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=300' }));

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

  for (const kind of ['inbox', 'sent', 'all'] as ListKind[]) {
    app.get(listPaths[kind], signedIn, (c) => {
      const session = c.get('session');
      const query = listQueryOf(kind, c.req.query(), session.principal);
      const page = deps.faxes.list(query.filter, pageSize, query.cursor);
      return html(c, <FaxListPage kind={kind} query={query} page={page} session={session} />);
    });
  }
  app.get('/console/live', signedIn, (c) => {
    const session = c.get('session');
    const kind = (['inbox', 'sent', 'all'] as const).find((k) => k === c.req.query('kind')) ?? 'all';
    return live.stream(c, listQueryOf(kind, c.req.query(), session.principal).filter);
  });

  app.get('/faxes/:id', signedIn, async (c) => {
    const session = c.get('session');
    const fax = visibleFax(c.req.param('id'), session);
    if (!fax) return notFound(c, session);
    const events = await deps.eventStore.readStream(`fax-${fax.faxId}`);
    return html(c, <FaxPage fax={fax} events={events} session={session} pageImages={deps.pageImages !== undefined} />);
  });
  app.get('/faxes/:id/document.pdf', signedIn, async (c) => {
    const session = c.get('session');
    const fax = visibleFax(c.req.param('id'), session);
    if (!fax?.documentId) return notFound(c, session);
    const path = await deps.documents.pathOf(fax.documentId, 'application/pdf');
    return new Response(Readable.toWeb(createReadStream(path)) as ReadableStream, {
      headers: { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="fax-${fax.faxId}.pdf"`, 'cache-control': 'private, no-store' },
    });
  });

  app.get('/faxes/:id/pages/:page{[0-9]{1,4}}/:size{thumb|large}', signedIn, async (c) => {
    const session = c.get('session');
    const fax = visibleFax(c.req.param('id'), session);
    const page = Number(c.req.param('page'));
    if (!fax?.documentId || !deps.pageImages || page < 1 || page > fax.pages) return notFound(c, session);
    const path = await deps.pageImages.pathOf(fax.documentId, page, c.req.param('size') as PageImageSize);
    // Documents never change, so neither do their page images.
    return new Response(Readable.toWeb(createReadStream(path)) as ReadableStream, { headers: { 'content-type': 'image/png', 'cache-control': 'private, max-age=86400' } });
  });

  /** Another tenant's fax is answered exactly like a missing one. */
  function visibleFax(faxId: string, session: ConsoleSession): FaxView | undefined {
    const fax = deps.faxes.find(faxId);
    const principal = session.principal;
    return fax && (principal.kind === 'admin' || fax.tenantId === principal.tenantId) ? fax : undefined;
  }
  function notFound(c: Context, session: ConsoleSession) {
    return html(c, <MessagePage title="Fax not found" message="There is no such fax, or it is not one of yours." session={session} />, 404);
  }
  // Mounted on the API's app, whose context knows nothing of the console's session variable.
  return { routes: new Hono().route('/', app), close: () => live.closeAll() };
}

/** Only a path on this site, so a crafted sign-in link cannot send the user elsewhere. */
function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/inbox';
}
