import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { credentialsCollections as C, type ApiKeyCredential, type Login } from '../../../projections/credentialsProjection.js';
import type { DocumentView } from '../../../projections/documentProjection.js';
import type { Clock } from '../../ports/clock.js';
import { problemResponse } from '../problem.js';
import { hashApiKey, secretMatcher } from './apiKeys.js';
import { parseAuthorization, type PresentedCredentials } from './credentials.js';
import type { LoginAttempt, LoginRateLimiter } from './loginRateLimiter.js';
import { PasswordCheckQueueFull, type QueuedPasswordCheck } from './passwordCheckQueue.js';
import type { AuthEnv, Principal } from './principal.js';
import type { VerifiedCredentialsCache } from './verifiedCredentials.js';

export interface AuthDeps {
  /** Unset: the admin API answers 503 (never open). */
  adminApiKey: string | undefined;
  credentials: () => DocumentView;
  limiter: LoginRateLimiter;
  clock: Clock;
  /** The address failed logins are counted against (see throttleAddress). */
  clientAddress: (c: Context) => string;
  hashPassword: (password: string) => Promise<string>;
  /** Bounded scrypt verification (see createPasswordCheckQueue). */
  checkPassword: QueuedPasswordCheck;
  /** Recent successful password checks (`auth.credentialsCacheTtl`); unset: every request runs scrypt. */
  verifiedLogins?: VerifiedCredentialsCache;
}

/** `legacyAdmin`: /admin/*, admin key only. `admin`: /v1 admin routes (a tenant user gets 403). `any`: admin or a tenant user. */
export type Access = 'legacyAdmin' | 'admin' | 'any';

type Outcome = { principal: Principal } | { failed: true } | { retryAfterSeconds: number; status: 429 | 503 };

/** Authentication middleware factories for the three kinds of route. */
export function createAuth(deps: AuthDeps) {
  const isAdminKey = deps.adminApiKey === undefined ? () => false : secretMatcher(deps.adminApiKey);
  // Unknown user names still pay for one scrypt, so timing does not tell which part was wrong.
  let decoy: Promise<string> | undefined;

  function loginOf(username: string): Login | undefined {
    const view = deps.credentials();
    const userId = view.get<string>(C.usernames, username.toLowerCase());
    return userId === undefined ? undefined : view.get<Login>(C.logins, userId);
  }

  async function userByPassword(username: string, password: string, priority: boolean): Promise<Principal | null> {
    const login = loginOf(username);
    const ok = await deps.checkPassword(password, login?.passwordHash ?? (await (decoy ??= deps.hashPassword('decoy password'))), priority);
    if (!ok || !login || login.disabled) return null;
    deps.verifiedLogins?.remember(login.userId, password, { userId: login.userId, passwordHash: login.passwordHash });
    return principalOf(login);
  }

  /**
   * A cached check counts only while the user's current login still has the password hash it was
   * checked against and is enabled: a password change writes a new hash (salted, so even the same
   * password), a disable (also what deleting the tenant does) sets the flag, a delete removes the
   * login, and each is refused from the next request on, whatever the cache still holds.
   */
  function recentlyVerified(username: string, password: string): Login | undefined {
    const cache = deps.verifiedLogins;
    const login = cache && loginOf(username);
    const verified = login && cache.get(login.userId, password);
    if (!verified) return undefined;
    if (!login.disabled && verified.passwordHash === login.passwordHash) return login;
    cache.forget(login.userId, password);
    return undefined;
  }

  /**
   * Keys have 256 random bits, so a fast hash of the token is as good as a slow one and finds the
   * key in O(1) without comparing secrets; a wrong token counts against its address only, as
   * there is no account to charge it to.
   */
  function userByApiKey(token: string): Principal | null {
    const view = deps.credentials();
    const key = view.get<ApiKeyCredential>(C.apiKeys, hashApiKey(token));
    if (!key || (key.expiresAt !== null && Date.parse(key.expiresAt) <= deps.clock.now().getTime())) return null;
    const login = view.get<Login>(C.logins, key.userId);
    if (!login || login.disabled) return null;
    return { kind: 'user', userId: login.userId, tenantId: login.tenantId, username: login.username, apiKeyId: key.keyId };
  }

  const principalOf = (login: Login): Principal => ({ kind: 'user', userId: login.userId, tenantId: login.tenantId, username: login.username, apiKeyId: null });

  /** Cheap checks first; the account throttle and scrypt only for a user name and password. */
  async function identify(credentials: Exclude<PresentedCredentials, { scheme: 'none' }>, access: Access, attempt: LoginAttempt, clean: boolean): Promise<Outcome> {
    if (credentials.scheme === 'bearer') {
      const principal = access === 'legacyAdmin' ? null : userByApiKey(credentials.token);
      return principal ? { principal } : { failed: true };
    }
    // A password verified recently is no admin key: it was compared with the key (fixed for the
    // process) before its user's check, so a cached login skips that hash too.
    const verified = access === 'legacyAdmin' ? undefined : recentlyVerified(credentials.username, credentials.password);
    // As in the original, the admin user name is free and the password is the key: failures on
    // the name `admin` therefore never stand between the admin key and the admin.
    if (!verified && isAdminKey(credentials.password)) return { principal: { kind: 'admin' } };
    if (access === 'legacyAdmin') return { failed: true };
    const accountWait = attempt.account(credentials.username);
    if (accountWait > 0) return { retryAfterSeconds: accountWait, status: 429 };
    if (verified) return { principal: principalOf(verified) };
    try {
      const principal = await userByPassword(credentials.username, credentials.password, clean);
      return principal ? { principal } : { failed: true };
    } catch (error) {
      if (error instanceof PasswordCheckQueueFull) return { retryAfterSeconds: 1, status: 503 };
      throw error;
    }
  }

  /**
   * `adminRoute`: a route of the admin API that tenant users may also read. With the admin API off,
   * Basic credentials that are no user's there are taken for an admin key and answer 503, as on the
   * admin-only routes; without credentials the answer stays 401, for the users who may read it.
   */
  const middleware = (access: Access, adminRoute = access === 'admin') =>
    createMiddleware<AuthEnv>(async (c, next) => {
      if (access === 'legacyAdmin' && deps.adminApiKey === undefined) return adminDisabled(c);
      // Several route modules guard the same paths: a request is authenticated (and pays for
      // scrypt) once, later guards only check what the principal may do.
      const known = c.get('principal') as Principal | undefined;
      if (known) return permitted(c, access, known) ?? next();
      const credentials = parseAuthorization(c.req.header('authorization'));
      if (credentials.scheme === 'none') return unauthorized(c, access);
      // The address throttle comes before any check, so a throttled address costs no hash.
      const admission = deps.limiter.begin(deps.clientAddress(c));
      if (!admission.admitted) return throttled(c, 429, admission.retryAfterSeconds);
      const { attempt, clean } = admission;
      let outcome: Outcome;
      try {
        outcome = await identify(credentials, access, attempt, clean);
      } catch (error) {
        attempt.abandoned();
        throw error;
      }
      if ('retryAfterSeconds' in outcome) {
        attempt.abandoned();
        return throttled(c, outcome.status, outcome.retryAfterSeconds);
      }
      if ('failed' in outcome) {
        attempt.failed();
        return unauthorized(c, access, credentials.scheme, adminRoute);
      }
      attempt.succeeded();
      const refusal = permitted(c, access, outcome.principal);
      if (refusal) return refusal;
      c.set('principal', outcome.principal);
      await next();
    });

  /** A response refusing the principal on this kind of route, or undefined when it may go on. */
  function permitted(c: Context, access: Access, principal: Principal): Response | undefined {
    if (principal.kind === 'admin' || access === 'any') return undefined;
    if (access === 'legacyAdmin') return unauthorized(c, access);
    return problemResponse(c, { type: 'about:blank', title: 'Forbidden', status: 403, detail: 'this route needs the admin API key' });
  }

  function unauthorized(c: Context, access: Access, scheme: PresentedCredentials['scheme'] = 'none', adminRoute = access === 'admin'): Response {
    // With the admin API off, credentials that could only have been meant as the admin key say so.
    const triedAdmin = access === 'admin' ? scheme !== 'bearer' : adminRoute && scheme === 'basic';
    if (triedAdmin && deps.adminApiKey === undefined) return adminDisabled(c);
    c.header('WWW-Authenticate', 'Basic realm="faxengine", charset="UTF-8"');
    return problemResponse(c, { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'valid credentials required' });
  }

  const admin = middleware('admin');
  const any = middleware('any');
  /** Reads for the admin and the tenant's users; changes for the admin only. */
  const readAsAdminRoute = middleware('any', true);
  const readOrAdmin = createMiddleware<AuthEnv>((c, next) => (c.req.method === 'GET' ? readAsAdminRoute(c, next) : admin(c, next)));
  return { legacyAdmin: middleware('legacyAdmin'), admin, any, readOrAdmin };
}

export type Auth = ReturnType<typeof createAuth>;

function throttled(c: Context, status: 429 | 503, retryAfterSeconds: number): Response {
  c.header('Retry-After', String(retryAfterSeconds));
  return status === 429
    ? problemResponse(c, { type: 'about:blank', title: 'Too Many Requests', status, detail: 'too many failed logins; try again later' })
    : problemResponse(c, { type: 'about:blank', title: 'Service Unavailable', status, detail: 'too many logins being checked; try again shortly' });
}

function adminDisabled(c: Context): Response {
  return problemResponse(c, {
    type: 'about:blank',
    title: 'Service Unavailable',
    status: 503,
    detail: 'the admin API is disabled: set admin.apiKey (FAXENGINE_ADMIN_API_KEY) to enable it',
  });
}
