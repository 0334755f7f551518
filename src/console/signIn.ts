import { Hono, type Context } from 'hono';
import type { Auth } from '../api/auth/authenticate.js';
import type { AuthEnv, Principal } from '../api/auth/principal.js';

export type SignInOutcome = { principal: Principal } | { refused: 'credentials' } | { refused: 'throttled'; retryAfterSeconds: number };

/**
 * Checks a user name and password exactly as the API does, by running the API's own `auth.any`
 * middleware on the credentials: the same logins, scrypt queue, verified-credentials cache and
 * login rate limiter (counted against the browser's address, as the request's connection and
 * X-Forwarded-For are passed through). The admin signs in as `admin` with the admin API key.
 */
export function createSignIn(auth: Auth) {
  const probe = new Hono<AuthEnv>();
  probe.get('/', auth.any, (c) => c.json(c.get('principal')));

  return async function signIn(c: Context, username: string, password: string): Promise<SignInOutcome> {
    const headers = new Headers({ authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` });
    const forwardedFor = c.req.header('x-forwarded-for');
    if (forwardedFor) headers.set('x-forwarded-for', forwardedFor);
    const response = await probe.fetch(new Request('http://console.invalid/', { headers }), c.env);
    if (response.status === 200) return { principal: (await response.json()) as Principal };
    if (response.status === 429 || response.status === 503) return { refused: 'throttled', retryAfterSeconds: Number(response.headers.get('retry-after') ?? '1') };
    return { refused: 'credentials' };
  };
}

export type SignIn = ReturnType<typeof createSignIn>;
