import { createHash, createPrivateKey, createPublicKey, verify, type KeyObject } from 'node:crypto';

/** DER prefixes of an Ed25519 key in PKCS#8 (private) and SPKI (public): the raw 32 bytes follow. */
const pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
const spkiPrefix = Buffer.from('302a300506032b6570032100', 'hex');

/** The public half as published at `/.well-known/faxengine-export-key` and named in every export. */
export interface ExportPublicKey {
  algorithm: 'Ed25519';
  /** Lowercase hex SHA-256 of the raw 32-byte public key. */
  keyId: string;
  /** The raw 32-byte public key, base64. */
  publicKey: string;
  /** The same key as an SPKI PEM (`openssl pkey -pubin` reads it). */
  publicKeyPem: string;
}

/**
 * The private key from a configured value: a PKCS#8 PEM (`openssl genpkey -algorithm ed25519`) or
 * the base64 of the raw 32-byte seed. Throws an Error whose message says what is wrong.
 */
export function parseExportSigningKey(value: string): KeyObject {
  const trimmed = value.trim();
  if (trimmed.startsWith('-----BEGIN')) {
    let key: KeyObject;
    try {
      key = createPrivateKey(trimmed);
    } catch (error) {
      throw new Error(`not a readable PEM private key (${(error as Error).message})`);
    }
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`an Ed25519 key is needed, this PEM holds a ${key.asymmetricKeyType ?? 'unknown'} key`);
    return key;
  }
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) throw new Error('expected a PEM private key or the base64 of a 32-byte Ed25519 seed');
  const seed = Buffer.from(trimmed, 'base64');
  if (seed.length !== 32) throw new Error(`the base64 value decodes to ${seed.length} bytes; an Ed25519 seed is 32`);
  return createPrivateKey({ key: Buffer.concat([pkcs8Prefix, seed]), format: 'der', type: 'pkcs8' });
}

/** Undefined when `value` is a usable signing key, else what is wrong (for the config schema). */
export function exportSigningKeyProblem(value: string): string | undefined {
  try {
    parseExportSigningKey(value);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The published description of a public key. */
export function describePublicKey(key: KeyObject): ExportPublicKey {
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`an Ed25519 key is needed, not ${key.asymmetricKeyType ?? 'unknown'}`);
  const raw = (key.export({ format: 'der', type: 'spki' }) as Buffer).subarray(spkiPrefix.length);
  return {
    algorithm: 'Ed25519',
    keyId: createHash('sha256').update(raw).digest('hex'),
    publicKey: raw.toString('base64'),
    publicKeyPem: key.export({ format: 'pem', type: 'spki' }) as string,
  };
}

/** A public key from its raw 32 bytes (base64) or an SPKI PEM. */
export function publicKeyFrom(value: string): KeyObject {
  const trimmed = value.trim();
  if (trimmed.startsWith('-----BEGIN')) return createPublicKey(trimmed);
  const raw = Buffer.from(trimmed, 'base64');
  if (raw.length !== 32) throw new Error(`expected an Ed25519 public key (32 bytes in base64, or a PEM); this decodes to ${raw.length} bytes`);
  return createPublicKey({ key: Buffer.concat([spkiPrefix, raw]), format: 'der', type: 'spki' });
}

export function verifySignature(publicKey: KeyObject, bytes: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(null, bytes, publicKey, signature);
  } catch {
    return false;
  }
}
