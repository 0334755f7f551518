import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, resolve, sep } from 'node:path';
import { ValidationError } from '../../domain/errors.js';

/** The drop directory itself is missing or unreadable: the server's configuration, not the request, is wrong. */
export class DropDirectoryUnavailableError extends Error {
  override readonly name = 'DropDirectoryUnavailableError';
}

/**
 * The real path of the file `fileName` names inside `dropDir` (the original's `file_name`).
 * Relative names are read from the drop directory; absolute ones must lie in it. `..` is refused
 * outright, and so is anything whose real path (after every symlink) is outside the directory,
 * so a link placed in the drop directory cannot reach `/etc/passwd`.
 */
export async function resolveDropFile(dropDir: string, fileName: string, field: string): Promise<string> {
  if (fileName.trim().length === 0 || fileName.includes('\0')) throw new ValidationError(field, 'must name a file in the drop directory');
  if (fileName.split(/[\\/]/).includes('..')) throw new ValidationError(field, 'must not contain ".."');
  let root: string;
  try {
    root = await realpath(resolve(dropDir));
  } catch (error) {
    throw new DropDirectoryUnavailableError(`the drop directory ${dropDir} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const outside = new ValidationError(field, `must name a file inside the drop directory`);
  const candidate = isAbsolute(fileName) ? fileName : resolve(root, fileName);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    // A path outside gets the same answer whether or not it exists, so nothing about the host leaks.
    if (!candidate.startsWith(withSep(root)) && !candidate.startsWith(withSep(resolve(dropDir)))) throw outside;
    throw new ValidationError(field, `${fileName}: no such file in the drop directory`);
  }
  if (!real.startsWith(withSep(root))) throw outside;
  if (!(await stat(real)).isFile()) throw new ValidationError(field, `${fileName}: not a regular file`);
  return real;
}

const withSep = (directory: string) => (directory.endsWith(sep) ? directory : directory + sep);
