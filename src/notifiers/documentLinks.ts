import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const linkKeyFileName = 'document-link.key';

/**
 * The key that signs document links: the configured one, else the one kept in
 * `<dataDir>/document-link.key`, created (random, owner-only) on first use. Instances that serve
 * each other's links must share it: configure it explicitly then.
 */
export function loadLinkSigningKey(configured: string | undefined, dataDir: string): Buffer {
  if (configured) return Buffer.from(configured, 'utf8');
  const path = join(dataDir, linkKeyFileName);
  if (!existsSync(path)) {
    try {
      writeFileSync(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return Buffer.from(readFileSync(path, 'utf8').trim(), 'utf8');
}

export interface DocumentLinks {
  /** A link to the fax's PDF that works without credentials until it expires. */
  linkFor(faxId: string, now: Date): { url: string; expiresAt: string };
  /** Whether `signature` signs this fax and expiry, and the expiry has not passed. */
  verify(faxId: string, expires: string, signature: string, now: Date): boolean;
}

/** `GET <base>/v1/documents/<faxId>?expires=<unix s>&signature=<base64url HMAC-SHA256 of "<faxId>.<expires>">`. */
export function createDocumentLinks(options: { key: Buffer; baseUrl: () => string; ttlMs: number }): DocumentLinks {
  const sign = (faxId: string, expires: string) => createHmac('sha256', options.key).update(`${faxId}.${expires}`).digest('base64url');
  return {
    linkFor(faxId, now) {
      const expires = String(Math.floor((now.getTime() + options.ttlMs) / 1000));
      const url = `${options.baseUrl().replace(/\/+$/, '')}/v1/documents/${encodeURIComponent(faxId)}?expires=${expires}&signature=${sign(faxId, expires)}`;
      return { url, expiresAt: new Date(Number(expires) * 1000).toISOString() };
    },
    verify(faxId, expires, signature, now) {
      if (!/^\d{1,12}$/.test(expires) || Number(expires) * 1000 < now.getTime()) return false;
      const expected = Buffer.from(sign(faxId, expires), 'base64url');
      const given = Buffer.from(signature, 'base64url');
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
