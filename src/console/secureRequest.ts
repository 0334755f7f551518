import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * Whether the browser reached us over TLS: the socket itself is encrypted, or the peer is one of
 * `auth.trustedProxies` and says (X-Forwarded-Proto) that the client spoke https to it. Anyone
 * else's X-Forwarded-Proto proves nothing. Cookies get `Secure` then.
 */
export function cameOverTls(c: Context, trustedProxies: ReadonlySet<string>): boolean {
  const env = c.env as { incoming?: { socket?: { encrypted?: boolean } } } | undefined;
  if (env?.incoming?.socket?.encrypted) return true;
  const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  if (proto !== 'https') return false;
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    return false;
  }
  return peer !== undefined && trustedProxies.has(peer.replace(/^::ffff:(?=\d{1,3}(?:\.\d{1,3}){3}$)/i, ''));
}
