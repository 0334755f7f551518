import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The files of one request (its uploads) or one submission (its staged documents and the TIFF they
 * convert into), side by side in the submission temp dir under a name prefix of their own. No
 * folder per request: each folder made and removed was two more file-system calls and an inode
 * allocated and freed, twice per fax sent (on ext4 without a journal, every inode freed makes the
 * next allocations in its group slower for a few seconds). The temp dir is emptied at start, so a
 * process that dies mid-request leaves nothing for good.
 */
export interface SpoolFiles {
  /** The path of this request's file `name`; every path handed out is deleted by `remove()`. */
  path(name: string): string;
  /** Deletes the files handed out so far (one never written is no error). */
  remove(): Promise<void>;
}

/**
 * Hands out `SpoolFiles` in `dir`, made (with its parents) when it is missing: also when something
 * removed it while the server runs (a temp cleaner, an operator), so one `stat` each time.
 */
export function spoolFilesIn(dir: string): (prefix: string) => Promise<SpoolFiles> {
  return async (prefix) => {
    if (!existsSync(dir)) await mkdir(dir, { recursive: true });
    const base = join(dir, `${prefix}${randomUUID()}`);
    const paths: string[] = [];
    return {
      path(name) {
        const path = `${base}-${name}`;
        paths.push(path);
        return path;
      },
      async remove() {
        await Promise.all(paths.splice(0).map((path) => unlink(path).catch(unlessMissing)));
      },
    };
  };
}

function unlessMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
