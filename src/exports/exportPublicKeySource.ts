import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { publicKeyFrom } from './exportKeyFormat.js';

/** The well-known route a server publishes its export key at. */
export const exportKeyRoute = '/.well-known/faxengine-export-key';

/**
 * The public key `faxengine verify` checks against: an http(s) URL (the server's well-known route,
 * or the server's base URL, which gets the route appended) or a file holding that route's JSON, an
 * SPKI PEM, or the raw key in base64. Throws an Error that says what it could not read.
 */
export async function loadPublicKey(source: string): Promise<KeyObject> {
  if (/^https?:\/\//i.test(source)) {
    const url = new URL(source);
    if (url.pathname === '/' || url.pathname === '') url.pathname = exportKeyRoute;
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
    } catch (error) {
      throw new Error(`${url.href}: could not fetch the key (${(error as Error).message})`);
    }
    if (!response.ok) throw new Error(`${url.href}: answered ${response.status}, not the key`);
    return keyFromText(await response.text(), url.href);
  }
  let text: string;
  try {
    text = await readFile(source, 'utf8');
  } catch (error) {
    throw new Error(`${source}: could not read the key file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return keyFromText(text, source);
}

function keyFromText(text: string, where: string): KeyObject {
  try {
    const trimmed = text.trim();
    if (trimmed.startsWith('{')) {
      const published = JSON.parse(trimmed) as { publicKey?: unknown };
      if (typeof published.publicKey !== 'string') throw new Error('JSON without a "publicKey"');
      return publicKeyFrom(published.publicKey);
    }
    return publicKeyFrom(trimmed);
  } catch (error) {
    throw new Error(`${where}: not an Ed25519 public key (${(error as Error).message})`);
  }
}
