import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeWorkFolder, removeWorkFolder } from '../../../src/api/services/workFolders.js';
import { makeTempDir } from '../../support/tempDir.js';

describe('submission work folders', () => {
  const dirs: Array<{ path: string; remove(): void }> = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));
  const temp = () => {
    const dir = makeTempDir('work-folders');
    dirs.push(dir);
    return dir.path;
  };

  it('makes a new folder each time, and the parent again when it was removed while running', async () => {
    const parent = join(temp(), 'tmp', 'submissions');
    const first = await makeWorkFolder(parent, 'submission-');
    const second = await makeWorkFolder(parent, 'submission-');
    expect(first).not.toBe(second);
    expect(readdirSync(parent).sort()).toEqual([first, second].map((path) => path.slice(parent.length + 1)).sort());
    rmSync(parent, { recursive: true });
    expect(existsSync(await makeWorkFolder(parent, 'submission-'))).toBe(true);
  });

  it('removes the files it is told of and the folder; anything else in it too; a folder already gone is no error', async () => {
    const root = temp();
    const known = join(root, 'known');
    mkdirSync(known);
    writeFileSync(join(known, 'fax.tif'), 'II*\0');
    await removeWorkFolder(known, ['fax.tif', 'upload-0']);
    expect(existsSync(known)).toBe(false);

    const leftovers = join(root, 'leftovers');
    mkdirSync(join(leftovers, 'nested'), { recursive: true });
    writeFileSync(join(leftovers, 'fax.tif'), 'II*\0');
    writeFileSync(join(leftovers, 'document-1.pdf'), '%PDF');
    writeFileSync(join(leftovers, 'nested', 'page.tif'), 'II*\0');
    await removeWorkFolder(leftovers, ['fax.tif']);
    expect(existsSync(leftovers)).toBe(false);

    await expect(removeWorkFolder(join(root, 'never-made'), ['fax.tif'])).resolves.toBeUndefined();
  });
});
