import { timingSafeEqual, createHash } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context } from 'hono';
import { createAddressAllowList } from '../../domain/addressAllowList.js';
import { clientAddress } from '../auth/clientAddress.js';
import { problemResponse } from '../problem.js';

export interface MetricsRouteDeps {
  /** The exposition in Prometheus's text format. */
  scrape(): Promise<{ contentType: string; body: string }>;
  /** `metrics.bearerToken`: when set, a scrape must send `Authorization: Bearer <token>`. */
  bearerToken?: string;
  /** `metrics.allowFrom`: when set, only these addresses / CIDR blocks may scrape. */
  allowFrom?: readonly string[];
  /** `auth.trustedProxies`: whose X-Forwarded-For names the client. */
  trustedProxies?: readonly string[];
}

/** Scrapers on this host only, when nothing else was configured. */
const loopback = ['127.0.0.0/8', '::1'];

/**
 * `GET /metrics`, outside the API's user authentication: Prometheus authenticates with its own
 * bearer token or is let in by address. With neither configured only loopback may scrape, since
 * metrics name tenants and gateways and should not be open to the world by default.
 */
export function metricsRoutes(deps: MetricsRouteDeps): Hono {
  const allowFrom = deps.allowFrom && deps.allowFrom.length > 0 ? deps.allowFrom : deps.bearerToken ? undefined : loopback;
  const allowed = allowFrom ? createAddressAllowList(allowFrom) : () => true;
  const trustedProxies = new Set(deps.trustedProxies ?? []);
  const expected = deps.bearerToken ? digest(deps.bearerToken) : undefined;
  const routes = new Hono();
  routes.get('/metrics', async (c) => {
    const address = clientAddress(peerAddress(c), c.req.header('x-forwarded-for'), trustedProxies);
    if (!allowed(address)) {
      const detail = deps.allowFrom?.length
        ? `${address} is not in metrics.allowFrom`
        : `${address} may not scrape: without metrics.allowFrom or metrics.bearerToken only loopback may`;
      return problemResponse(c, { type: 'about:blank', title: 'Forbidden', status: 403, detail });
    }
    if (expected) {
      const match = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '');
      if (!match || !timingSafeEqual(digest(match[1]!.trim()), expected)) {
        c.header('www-authenticate', 'Bearer realm="faxengine metrics"');
        const detail = match ? 'wrong bearer token (metrics.bearerToken)' : 'a bearer token is required (metrics.bearerToken)';
        return problemResponse(c, { type: 'about:blank', title: 'Unauthorized', status: 401, detail });
      }
    }
    const { contentType, body } = await deps.scrape();
    return c.body(body, 200, { 'content-type': contentType, 'cache-control': 'no-store' });
  });
  return routes;
}

/** Compared as digests, so neither the token's length nor its content leaks through timing. */
const digest = (value: string) => createHash('sha256').update(value).digest();

/** The TCP peer; `app.request()` in tests has no socket. */
function peerAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
