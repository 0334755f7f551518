import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { isSealed, sealedKeyId } from '../crypto/keyRing.js';
import type { ReencryptableStore } from '../../ports/atRestData.js';
import { keyIdOfFile, openBytes, plainLabel, replaceFile, type Sealing } from './sealedFiles.js';

export interface SealedFileSetOptions {
  name: string;
  /** Files live in `<root>/<2 hex>/`. */
  root: string;
  /** The AAD a file is sealed with, from its name; undefined: not one of the set's files (temporaries, sidecars). */
  aadOf(fileName: string): string | undefined;
  sealing: Sealing;
  logger?: Logger;
}

const shard = /^[0-9a-f]{2}$/;

/**
 * The files of a content-addressed store as a ReencryptableStore: counted by the key in their
 * header, re-sealed under the current key one by one (each replaced atomically). Plain files from
 * before encryption are sealed too while sealing is on. The walk keeps its place between batches
 * (a restart just starts the walk again: every file says itself whether it is done).
 */
export function sealedFileSet(options: SealedFileSetOptions): ReencryptableStore & { files(): AsyncGenerator<{ path: string; aad: string }> } {
  const { root, aadOf, sealing } = options;
  /** The shard the walk goes on from. */
  let cursor = '';

  async function shards(): Promise<string[]> {
    return (await readdir(root).catch(() => [] as string[])).filter((name) => shard.test(name)).sort();
  }

  async function* filesOf(directory: string): AsyncGenerator<{ path: string; aad: string }> {
    const names = (await readdir(join(root, directory)).catch(() => [] as string[])).sort();
    for (const name of names) {
      const aad = aadOf(name);
      if (aad !== undefined) yield { path: join(root, directory, name), aad };
    }
  }

  async function* files(): AsyncGenerator<{ path: string; aad: string }> {
    for (const directory of await shards()) yield* filesOf(directory);
  }

  /** Re-seals one file if it needs it; true when it did. */
  async function reseal(path: string, aad: string): Promise<boolean> {
    // The header says whether the file needs work: a pass over a done store reads no whole file.
    const keyId = await keyIdOfFile(path).catch(() => undefined);
    if (keyId === undefined || keyId === sealing.ring.currentKeyId || (keyId === plainLabel && !sealing.seal())) return false;
    const stored = await readFile(path).catch(() => undefined);
    if (!stored) return false;
    const sealed = isSealed(stored);
    if (sealed ? sealedKeyId(stored) === sealing.ring.currentKeyId : !sealing.seal()) return false;
    let plain: Buffer;
    try {
      plain = openBytes(sealing.ring, stored, aad, path);
    } catch (error) {
      // Tampered, or its key is gone: left as it is, and counted under its key by the status.
      options.logger?.error({ err: error, path }, 'cannot re-encrypt a stored file');
      return false;
    }
    await replaceFile(path, sealing.ring.seal(plain, Buffer.from(aad)));
    return true;
  }

  return {
    name: options.name,
    files,
    async countByKey() {
      const counts: Record<string, number> = {};
      for await (const { path } of files()) {
        const keyId = await keyIdOfFile(path).catch(() => undefined);
        if (keyId !== undefined) counts[keyId] = (counts[keyId] ?? 0) + 1;
      }
      return counts;
    },
    async reencryptBatch(limit) {
      let done = 0;
      const all = await shards();
      // From where the last batch stopped to the end, then once more from the start.
      const order = [...all.filter((name) => name >= cursor), ...all.filter((name) => name < cursor)];
      for (const directory of order) {
        cursor = directory;
        for await (const { path, aad } of filesOf(directory)) {
          if (await reseal(path, aad)) done += 1;
          if (done >= limit) return done;
        }
      }
      cursor = '';
      return done;
    },
  };
}

export { plainLabel };
