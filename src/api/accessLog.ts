import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { AccessOrigin, AccessRead, AccessReader, AccessWhat } from '../domain/access/accessEvents.js';
import type { ReadUnderWay } from '../domain/access/pendingRead.js';
import { clientAddress } from './auth/clientAddress.js';
import type { Principal } from './auth/principal.js';

/** Where read routes report reads (README: Access trail): one call per read, one journal line. */
export interface AccessLog {
  /** The caller (the authenticated principal, or `reader`) read `what` of `fax`. */
  read(c: Context, fax: { faxId: string; tenantId: string | null }, what: AccessWhat, reader?: AccessReader): void;
  /** The same for a read that has started and may still fail (see `readDocumentRecorded`); undefined when there is no reader. */
  begin(c: Context, fax: { faxId: string; tenantId: string | null }, what: AccessWhat, reader?: AccessReader): ReadUnderWay | undefined;
}

/**
 * Builds entries from the request: the principal (or the reader given: a console session, a signed
 * link), the client address as the auth code sees it (X-Forwarded-For only from `auth.trustedProxies`)
 * and the user agent, then hands them to the recorder.
 */
export function createAccessLog(options: {
  record: (read: AccessRead) => void;
  begin: (read: AccessRead) => ReadUnderWay;
  trustedProxies?: readonly string[];
}): AccessLog {
  const trustedProxies = new Set(options.trustedProxies ?? []);
  function readOf(c: Context, fax: { faxId: string; tenantId: string | null }, what: AccessWhat, reader?: AccessReader): AccessRead | undefined {
    const principal = c.get('principal') as Principal | undefined;
    const who = reader ?? (principal ? readerOf(principal, 'api') : undefined);
    if (!who) return undefined;
    const from: AccessOrigin = {
      address: clientAddress(peerAddress(c), c.req.header('x-forwarded-for'), trustedProxies),
      userAgent: c.req.header('user-agent')?.slice(0, 300) ?? null,
      via: who.credential === 'session' ? 'console' : who.credential === 'signedLink' ? 'link' : 'api',
    };
    return { faxId: fax.faxId, tenantId: fax.tenantId, reader: who, from, what };
  }
  return {
    read(c, fax, what, reader) {
      const read = readOf(c, fax, what, reader);
      if (read) options.record(read);
    },
    begin(c, fax, what, reader) {
      const read = readOf(c, fax, what, reader);
      return read && options.begin(read);
    },
  };
}

/** The reader a principal is: the admin, or a user by API key, password or console session. */
export function readerOf(principal: Principal, door: 'api' | 'console'): AccessReader {
  if (principal.kind === 'admin') return { kind: 'admin', credential: door === 'console' ? 'session' : 'password' };
  const credential = door === 'console' ? 'session' : principal.apiKeyId ? 'apiKey' : 'password';
  return { kind: 'user', credential, userId: principal.userId, username: principal.username, tenantId: principal.tenantId, apiKeyId: door === 'console' ? null : principal.apiKeyId };
}

/** The TCP peer (`app.request()` in tests has no socket: `unknown`). */
function peerAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The reader of a signed document link: what the link was signed for, and which link it was (not the signature itself, which would let anyone reading the trail use it). */
export function linkReader(faxId: string, expires: string, signature: string): AccessReader {
  return { kind: 'link', credential: 'signedLink', issuedFor: { faxId, expiresAt: new Date(Number(expires) * 1000).toISOString() }, linkId: createHash('sha256').update(signature).digest('hex').slice(0, 16) };
}
