import { mkdir, mkdtemp, rm, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A new folder `<parent>/<prefix>XXXXXX`. The parent is made only when it is missing: a recursive
 * mkdir before every folder was two more file-system calls per fax, each a trip to the thread pool.
 */
export async function makeWorkFolder(parent: string, prefix: string): Promise<string> {
  try {
    return await mkdtemp(join(parent, prefix));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(parent, { recursive: true });
    return mkdtemp(join(parent, prefix));
  }
}

/**
 * Removes `folder` and what is in it: the files it is known to hold by name, then the folder (two
 * calls for a folder of one file, where a recursive removal makes six); a folder that holds more
 * (a failed conversion's leftovers) is removed recursively.
 */
export async function removeWorkFolder(folder: string, files: readonly string[]): Promise<void> {
  await Promise.all(files.map((name) => unlink(join(folder, name)).catch(unlessMissing)));
  try {
    await rmdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    await rm(folder, { recursive: true, force: true });
  }
}

function unlessMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
