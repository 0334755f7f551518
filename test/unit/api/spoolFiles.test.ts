import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spoolFilesIn } from '../../../src/api/services/spoolFiles.js';
import { makeTempDir } from '../../support/tempDir.js';

describe('spool files of a request or submission', () => {
  const dirs: Array<{ path: string; remove(): void }> = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));
  const temp = () => {
    const dir = makeTempDir('spool-files');
    dirs.push(dir);
    return dir.path;
  };

  it('names each request its own files in the one folder, and removes only those, written or not', async () => {
    const dir = join(temp(), 'tmp', 'submissions');
    const spoolIn = spoolFilesIn(dir);
    const [first, second] = [await spoolIn('upload-'), await spoolIn('upload-')];
    const paths = [first.path('upload-0'), first.path('upload-1'), second.path('upload-0')];
    expect(new Set(paths).size).toBe(3);
    for (const path of paths) expect(path.startsWith(`${dir}/upload-`)).toBe(true);
    writeFileSync(paths[0]!, '%PDF');
    writeFileSync(paths[2]!, '%PDF');
    // upload-1 of the first was handed out but never written (a body cut short): no error.
    await first.remove();
    expect(readdirSync(dir)).toEqual([paths[2]!.slice(dir.length + 1)]);
    await second.remove();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('makes the folder again when it was removed while the server runs', async () => {
    const dir = join(temp(), 'tmp', 'submissions');
    const spoolIn = spoolFilesIn(dir);
    await spoolIn('submission-');
    rmSync(dir, { recursive: true });
    const spool = await spoolIn('submission-');
    writeFileSync(spool.path('fax.tif'), 'II*\0');
    expect(existsSync(dir)).toBe(true);
    await spool.remove();
    expect(readdirSync(dir)).toEqual([]);
  });
});
