import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { credentialsCollections as C, type ApiKeyCredential, type Login } from '../../../projections/credentialsProjection.js';
import type { DocumentView } from '../../../projections/documentProjection.js';
import type { Clock } from '../../ports/clock.js';
import { problemResponse } from '../problem.js';
import { hashApiKey, secretsEqual } from './apiKeys.js';
import { parseAuthorization, type PresentedCredentials } from './credentials.js';
import type { LoginRateLimiter } from './loginRateLimiter.js';
import { verifyPassword } from './passwords.js';
import type { AuthEnv, Principal } from './principal.js';

export interface AuthDeps {
  /** Unset: the admin API answers 503 (never open). */
  adminApiKey: string | undefined;
  credentials: () => DocumentView;
  limiter: LoginRateLimiter;
  clock: Clock;
  clientIp: (c: Context) => string;
  hashPassword: (password: string) => Promise<string>;
}

/** `legacyAdmin`: /admin/*, admin key only. `admin`: /v1 admin routes (a tenant user gets 403). `any`: admin or a tenant user. */
export type Access = 'legacyAdmin' | 'admin' | 'any';

/** Authentication middleware factories for the three kinds of route. */
export function createAuth(deps: AuthDeps) {
  // Unknown user names still pay for one scrypt, so timing does not tell which part was wrong.
  let decoy: Promise<string> | undefined;

  async function userByPassword(username: string, password: string): Promise<Principal | null> {
    const view = deps.credentials();
    const userId = view.get<string>(C.usernames, username.toLowerCase());
    const login = userId === undefined ? undefined : view.get<Login>(C.logins, userId);
    const ok = await verifyPassword(password, login?.passwordHash ?? (await (decoy ??= deps.hashPassword('decoy password'))));
    if (!ok || !login || login.disabled) return null;
    return { kind: 'user', userId: login.userId, tenantId: login.tenantId, username: login.username, apiKeyId: null };
  }

  function userByApiKey(token: string): Principal | null {
    const view = deps.credentials();
    const key = view.get<ApiKeyCredential>(C.apiKeys, hashApiKey(token));
    if (!key || (key.expiresAt !== null && Date.parse(key.expiresAt) <= deps.clock.now().getTime())) return null;
    const login = view.get<Login>(C.logins, key.userId);
    if (!login || login.disabled) return null;
    return { kind: 'user', userId: login.userId, tenantId: login.tenantId, username: login.username, apiKeyId: key.keyId };
  }

  async function identify(credentials: PresentedCredentials, access: Access): Promise<Principal | null> {
    if (credentials.scheme === 'none') return null;
    if (credentials.scheme === 'bearer') return access === 'legacyAdmin' ? null : userByApiKey(credentials.token);
    // As in the original, the admin user name is free and the password is the key.
    if (deps.adminApiKey !== undefined && secretsEqual(credentials.password, deps.adminApiKey)) return { kind: 'admin' };
    return access === 'legacyAdmin' ? null : userByPassword(credentials.username, credentials.password);
  }

  /**
   * `adminRoute`: a route of the admin API that tenant users may also read. With the admin API off,
   * Basic credentials that are no user's there are taken for an admin key and answer 503, as on the
   * admin-only routes; without credentials the answer stays 401, for the users who may read it.
   */
  const middleware = (access: Access, adminRoute = access === 'admin') =>
    createMiddleware<AuthEnv>(async (c, next) => {
      if (access === 'legacyAdmin' && deps.adminApiKey === undefined) return adminDisabled(c);
      const credentials = parseAuthorization(c.req.header('authorization'));
      const limitKey = `${deps.clientIp(c)}|${credentials.scheme === 'basic' ? credentials.username.toLowerCase() : credentials.scheme}`;
      const wait = deps.limiter.retryAfter(limitKey);
      if (wait > 0) {
        c.header('Retry-After', String(wait));
        return problemResponse(c, { type: 'about:blank', title: 'Too Many Requests', status: 429, detail: 'too many failed logins; try again later' });
      }
      const principal = await identify(credentials, access);
      if (!principal) {
        if (credentials.scheme !== 'none') deps.limiter.recordFailure(limitKey);
        const triedAdmin = access === 'admin' ? credentials.scheme !== 'bearer' : adminRoute && credentials.scheme === 'basic';
        if (triedAdmin && deps.adminApiKey === undefined) return adminDisabled(c);
        c.header('WWW-Authenticate', 'Basic realm="faxengine", charset="UTF-8"');
        return problemResponse(c, { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'valid credentials required' });
      }
      deps.limiter.recordSuccess(limitKey);
      if (access === 'admin' && principal.kind !== 'admin') {
        return problemResponse(c, { type: 'about:blank', title: 'Forbidden', status: 403, detail: 'this route needs the admin API key' });
      }
      c.set('principal', principal);
      await next();
    });

  const admin = middleware('admin');
  const any = middleware('any');
  /** Reads for the admin and the tenant's users; changes for the admin only. */
  const readAsAdminRoute = middleware('any', true);
  const readOrAdmin = createMiddleware<AuthEnv>((c, next) => (c.req.method === 'GET' ? readAsAdminRoute(c, next) : admin(c, next)));
  return { legacyAdmin: middleware('legacyAdmin'), admin, any, readOrAdmin };
}

export type Auth = ReturnType<typeof createAuth>;

function adminDisabled(c: Context): Response {
  return problemResponse(c, {
    type: 'about:blank',
    title: 'Service Unavailable',
    status: 503,
    detail: 'the admin API is disabled: set admin.apiKey (FAXENGINE_ADMIN_API_KEY) to enable it',
  });
}
