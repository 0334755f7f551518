import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

/**
 * AES-256-GCM under named keys. A sealed value names the key that sealed it, so data written
 * under an older key stays readable after a rotation, as long as that key is still in the ring.
 *
 * Sealed layout: `FXE1` | key-id length (1 byte) | key id (ASCII) | IV (12) | tag (16) | ciphertext.
 */
export interface KeyRing {
  /** The key new data is sealed under. */
  readonly currentKeyId: string;
  /** Every key id the ring can open, the current one first. */
  readonly keyIds: readonly string[];
  /** `aad` binds the sealed bytes to their context (e.g. a document id): opening under another fails. */
  seal(plain: Uint8Array, aad?: Uint8Array): Buffer;
  /** Throws SealedDataError when the key is missing, or the bytes or `aad` were changed. */
  open(sealed: Uint8Array, aad?: Uint8Array): Buffer;
}

export interface NamedKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

const magic = Buffer.from('FXE1');
const ivBytes = 12;
const tagBytes = 16;
export const keyIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

export class SealedDataError extends Error {
  override readonly name = 'SealedDataError';
}

/** True when `bytes` start like a sealed value (plain TIFFs and JSON never do). */
export function isSealed(bytes: Uint8Array): boolean {
  return bytes.length >= magic.length && Buffer.from(bytes.buffer, bytes.byteOffset, magic.length).equals(magic);
}

/** The id of the key that sealed `sealed`. */
export function sealedKeyId(sealed: Uint8Array): string {
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (!isSealed(bytes)) throw new SealedDataError('not sealed data (no FXE1 header)');
  const length = bytes[magic.length]!;
  return bytes.subarray(magic.length + 1, magic.length + 1 + length).toString('ascii');
}

/** A ring of `keys`; `currentKeyId` (default the first key) seals new data. */
export function createKeyRing(keys: readonly NamedKey[], currentKeyId = keys[0]?.id): KeyRing {
  // KeyObjects, made once: a raw key is imported into OpenSSL again at every cipher made from it.
  const byId = new Map<string, KeyObject>();
  for (const { id, key } of keys) {
    if (!keyIdPattern.test(id)) throw new SealedDataError(`key id ${JSON.stringify(id)}: letters, digits and . _ - only, at most 64`);
    if (key.length !== 32) throw new SealedDataError(`key ${id}: an AES-256 key is 32 bytes, got ${key.length}`);
    if (byId.has(id)) throw new SealedDataError(`key ${id} is given twice`);
    byId.set(id, createSecretKey(key));
  }
  if (currentKeyId === undefined || !byId.has(currentKeyId)) throw new SealedDataError(`the current key ${currentKeyId ?? '(none)'} is not among the keys`);
  const current = currentKeyId;
  const currentKey = byId.get(current)!;
  const header = Buffer.concat([magic, Buffer.from([current.length]), Buffer.from(current, 'ascii')]);

  return {
    currentKeyId: current,
    keyIds: [current, ...[...byId.keys()].filter((id) => id !== current)],
    seal(plain, aad) {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', currentKey, iv);
      if (aad) cipher.setAAD(aad);
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([header, iv, cipher.getAuthTag(), body]);
    },
    open(sealed, aad) {
      const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
      const id = sealedKeyId(bytes);
      const key = byId.get(id);
      if (!key) throw new SealedDataError(`sealed under key ${id}, which is not in the key ring (keys: ${[...byId.keys()].join(', ')})`);
      const start = magic.length + 1 + id.length;
      if (bytes.length < start + ivBytes + tagBytes) throw new SealedDataError('sealed data is truncated');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(start, start + ivBytes));
      decipher.setAuthTag(bytes.subarray(start + ivBytes, start + ivBytes + tagBytes));
      if (aad) decipher.setAAD(aad);
      try {
        const opened = decipher.update(bytes.subarray(start + ivBytes + tagBytes));
        const rest = decipher.final();
        // GCM gives everything from update(): copying a whole document again for an empty tail was
        // two thirds of opening it (31 against 98 µs for 100 KB).
        return rest.length === 0 ? opened : Buffer.concat([opened, rest]);
      } catch {
        throw new SealedDataError(`sealed data under key ${id} does not authenticate: changed, truncated, or opened in the wrong context`);
      }
    },
  };
}
