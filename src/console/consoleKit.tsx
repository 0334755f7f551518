import type { Context, Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { FaxView } from '../domain/fax/faxView.js';
import { currentLogin } from './currentLogin.js';
import { MessagePage } from './faxPage.js';
import { csrfMatches, type ConsoleSession, type SessionStore } from './sessions.js';
import type { ConsoleDeps } from './consoleDeps.js';

export type ConsoleEnv = { Variables: { session: ConsoleSession } };

export const sessionCookie = 'faxengine_session';

/** What every console feature's routes are built from: the deps and the shared request helpers. */
export interface ConsoleKit {
  deps: ConsoleDeps;
  sessions: SessionStore;
  /** Signed-in pages: no session → the sign-in form (remembering where the user was going). */
  signedIn: ReturnType<typeof createMiddleware<ConsoleEnv>>;
  /** Every POST carries the session's CSRF token in the `csrf` field; anything else is refused. */
  csrfChecked: ReturnType<typeof createMiddleware<ConsoleEnv>>;
  /** A page: never cached, never framed. */
  html(c: Context, page: unknown, status?: 200 | 400 | 401 | 403 | 404 | 409 | 410 | 413 | 422 | 429 | 503): Response | Promise<Response>;
  /** A fax the session may see, or undefined: another tenant's fax is answered exactly like a missing one. */
  visibleFax(faxId: string, session: ConsoleSession): FaxView | undefined;
  /** The 404 page for a fax that is missing or not the session's. */
  notFound(c: Context, session: ConsoleSession): Response | Promise<Response>;
}

/** A console feature: adds its routes to the console's app. */
export type ConsoleFeature = (app: Hono<ConsoleEnv>, kit: ConsoleKit) => void;

export function createConsoleKit(deps: ConsoleDeps, sessions: SessionStore): ConsoleKit {
  const html: ConsoleKit['html'] = (c, page, status = 200) => {
    c.header('cache-control', 'no-store');
    c.header('x-frame-options', 'DENY');
    return c.html(page as string, status);
  };

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

  const csrfChecked = createMiddleware<ConsoleEnv>(async (c, next) => {
    const form = await c.req.parseBody({ all: true });
    if (!csrfMatches(c.get('session'), form.csrf)) {
      return html(c, <MessagePage title="Request refused" message={form.csrf === undefined ? 'The form had no CSRF token: reload the page and try again.' : 'The form had a wrong or expired CSRF token: reload the page and try again.'} session={c.get('session')} />, 403);
    }
    await next();
  });

  const visibleFax: ConsoleKit['visibleFax'] = (faxId, session) => {
    const fax = deps.faxes.find(faxId);
    const principal = session.principal;
    // An admin acting as a tenant sees what that tenant's users see, and nothing else.
    const tenantId = principal.kind === 'admin' ? session.actingTenantId : principal.tenantId;
    return fax && (tenantId === undefined || fax.tenantId === tenantId) ? fax : undefined;
  };
  const notFound: ConsoleKit['notFound'] = (c, session) =>
    html(c, <MessagePage title="Fax not found" message="There is no such fax, or it is not one of yours." session={session} />, 404);

  return { deps, sessions, signedIn, csrfChecked, html, visibleFax, notFound };
}
