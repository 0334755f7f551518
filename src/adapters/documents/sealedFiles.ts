import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isSealed, SealedDataError, sealedKeyId, type KeyRing } from '../crypto/keyRing.js';
import { DocumentIntegrityError } from '../../ports/documentStore.js';
import { readWholeFile } from './readWholeFile.js';

/** How files of a store are written: sealed under the ring's current key, or plain (`encryption.documents: false`). */
export interface Sealing {
  ring: KeyRing;
  /** Read at each write, so the bench (and a reload) can switch it. */
  seal(): boolean;
}

/** The key-id label of items from before encryption (or written with `encryption.documents: false`). */
export const plainLabel = 'plain';

/** The bytes to write for `plain`: sealed and bound to `aad`, or as they are. */
export function sealBytes(sealing: Sealing, plain: Uint8Array, aad: string): Buffer {
  return sealing.seal() ? sealing.ring.seal(plain, Buffer.from(aad)) : Buffer.from(plain);
}

/** Plain bytes from stored ones; plain files from before encryption are returned as they are. */
export function openBytes(ring: KeyRing, stored: Buffer, aad: string, what: string): Buffer {
  if (!isSealed(stored)) return stored;
  try {
    return ring.open(stored, Buffer.from(aad));
  } catch (error) {
    if (error instanceof SealedDataError) throw new DocumentIntegrityError(`${what} cannot be opened: ${error.message}`);
    throw error;
  }
}

/** A stored file's plain bytes; `whileReading` runs once the file is open and its bytes are being read (see ReadOptions). */
export async function readOpened(ring: KeyRing, path: string, aad: string, what: string, whileReading?: () => void): Promise<Buffer> {
  return openBytes(ring, await readWholeFile(path, whileReading), aad, what);
}

/** The id of the key a stored file is sealed under, or `plain`. Reads only its header. */
export async function keyIdOfFile(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const header = Buffer.alloc(4 + 1 + 64);
    const { bytesRead } = await handle.read(header, 0, header.length, 0);
    const bytes = header.subarray(0, bytesRead);
    return isSealed(bytes) ? sealedKeyId(bytes) : plainLabel;
  } finally {
    await handle.close();
  }
}

/**
 * Replaces a stored file with new content durably: written and fsynced under a temporary name,
 * renamed over the old one, the directory fsynced. A reader sees the old or the new file, never a
 * mix; a crash leaves the old one (and at worst a stray `.tmp`).
 */
export async function replaceFile(path: string, content: Uint8Array): Promise<void> {
  const temporary = `${path}.${randomUUID()}.tmp`;
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
  const directory = await open(dirname(path), 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
