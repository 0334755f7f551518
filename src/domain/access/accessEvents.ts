/**
 * The access trail (README: Access trail): every read of a fax's document or history is an entry
 * in the stream `access-<tenantId>` (`access-system` for a fax of no tenant). Entries hold the
 * fax's id and tenant only, never its personal data, so a purge leaves them as they are; the
 * reader's identity and address are what the trail is for.
 */

/** Who read: the admin, a tenant's user (by API key, password or console session), or the holder of a signed link. */
export type AccessReader =
  | { kind: 'admin'; credential: 'password' | 'session' }
  | { kind: 'user'; credential: 'apiKey' | 'password' | 'session'; userId: string; username: string; tenantId: string; apiKeyId: string | null }
  /** A signed document link: the fax it was signed for, its expiry, and the first 16 hex of the SHA-256 of its signature (which link it was). */
  | { kind: 'link'; credential: 'signedLink'; issuedFor: { faxId: string; expiresAt: string }; linkId: string };

/** What was read. Page images name their page and size; exports their scope. */
export type AccessWhat =
  | { kind: 'pdf' }
  | { kind: 'tiff' }
  | { kind: 'pageImage'; page: number; size: 'thumb' | 'large' }
  | { kind: 'history'; signed: boolean }
  /** The console's fax page, which shows the history. */
  | { kind: 'faxPage' }
  | { kind: 'export'; scope: { kind: 'fax' } | { kind: 'tenant'; tenantId: string; since: string | null; until: string }; pdf: boolean };

/** Where from: the client's address (after trusted proxies) and its user agent. */
export interface AccessOrigin {
  address: string;
  userAgent: string | null;
  /** Which door: the API, the web console, or a signed link. */
  via: 'api' | 'console' | 'link';
}

/** What a read route reports; the recorder adds the id, the time and the chain. */
export interface AccessRead {
  faxId: string;
  tenantId: string | null;
  reader: AccessReader;
  from: AccessOrigin;
  what: AccessWhat;
}

/** One entry as stored: `seq` is its revision in its stream, `prev` the previous entry's `hash` (64 zeros for the first). */
export interface AccessEntry extends AccessRead {
  entryId: string;
  at: string;
  seq: number;
  prev: string;
  hash: string;
}

export const faxAccessedType = 'FaxAccessed';
export const accessEventTypes = [faxAccessedType] as const;

export const accessCategory = 'access';
/** The stream of a tenant's trail; reads of faxes of no tenant go to `access-system`. */
export const accessStream = (tenantId: string | null): string => `access-${tenantId ?? 'system'}`;
/** The key `GET /v1/access?user=` filters on: a user id, `admin`, or `link`. */
export const readerKey = (reader: AccessReader): string => (reader.kind === 'user' ? reader.userId : reader.kind);
export const genesisHash = '0'.repeat(64);
