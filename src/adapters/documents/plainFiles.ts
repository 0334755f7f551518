import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlainFile } from '../../ports/documentStore.js';

/** No fax call or conversion lasts this long: an older plain file was left by a process that died. */
const STALE_AFTER_MS = 6 * 60 * 60 * 1000;
/**
 * A call that outlived this instance (FreeSWITCH goes on without faxengine) opens its txfax copy
 * when answered, which is within an originate's ring time: an own copy older than this is either
 * open in FreeSWITCH already (removing its name does not disturb the reader) or unused.
 */
const OWN_LEFTOVER_AFTER_MS = 10 * 60 * 1000;

export interface PlainFiles {
  readonly dir: string;
  /** Writes `bytes` to a new private file; the caller releases it. */
  write(bytes: Uint8Array, extension: string): Promise<PlainFile>;
  /** A new private path for a tool's output (nothing is created); the caller removes it. */
  scratchPath(extension: string): string;
}

/**
 * Plain copies of sealed documents for tools that read a path (FreeSWITCH's txfax, tiff2pdf,
 * ghostscript), in one directory faxengine owns: the directory is `rwxr-x---` and the files
 * `rw-r-----` (FreeSWITCH, in faxengine's group, reads txfax's file; nobody else can). Names start
 * with the instance's tag, so that at start an instance removes its own leftovers of a crash once
 * no call can still be about to open them (never another instance's, in a shared documents
 * directory, whose calls may still read theirs), and anyone's older than a call can last.
 */
export function createPlainFiles(dir: string, tag: string, now: () => number = Date.now): PlainFiles {
  const safeTag = tag.replace(/[^A-Za-z0-9._-]/g, '_');
  mkdirSync(dir, { recursive: true, mode: 0o750 });
  chmodSync(dir, 0o750);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    try {
      const age = now() - statSync(path).mtimeMs;
      if ((name.startsWith(`${safeTag}-`) && age > OWN_LEFTOVER_AFTER_MS) || age > STALE_AFTER_MS) rmSync(path, { force: true, recursive: true });
    } catch {
      // Gone meanwhile (another instance swept it).
    }
  }
  const scratchPath = (extension: string) => join(dir, `${safeTag}-${randomUUID()}${extension}`);
  return {
    dir,
    scratchPath,
    async write(bytes, extension) {
      const path = scratchPath(extension);
      try {
        await writeFile(path, bytes, { mode: 0o640, flag: 'wx' });
      } catch (error) {
        await rm(path, { force: true });
        throw error;
      }
      return plainFileAt(path);
    },
  };
}

/** A plain file at `path`, deleted by its first `release()`. */
export function plainFileAt(path: string): PlainFile {
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      await rm(path, { force: true });
    },
  };
}
