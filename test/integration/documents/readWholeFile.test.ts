import { randomBytes } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readWholeFile } from '../../../src/adapters/documents/readWholeFile.js';
import { makeTempDir } from '../../support/tempDir.js';

const openDescriptors = () => readdirSync('/proc/self/fd').length;

describe('readWholeFile: a document file read with one thread-pool step', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it('answers every byte of empty, small and multi-megabyte files, and leaves no descriptor open', async () => {
    const dir = makeTempDir('read-whole-file');
    cleanups.push(dir.remove);
    const before = openDescriptors();
    for (const size of [0, 1, 61_000, 3 * 1024 * 1024 + 7]) {
      const content = randomBytes(size);
      const path = join(dir.path, `f${size}`);
      writeFileSync(path, content);
      const read = await readWholeFile(path);
      expect(read.length).toBe(size);
      expect(read.equals(content)).toBe(true);
    }
    expect(openDescriptors()).toBe(before);
  });

  it('rejects a missing file with ENOENT (the document store reports it as a missing rendition)', async () => {
    const dir = makeTempDir('read-whole-file');
    cleanups.push(dir.remove);
    await expect(readWholeFile(join(dir.path, 'absent.tif'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('rejects a directory with EISDIR and closes what it opened', async () => {
    const dir = makeTempDir('read-whole-file');
    cleanups.push(dir.remove);
    const before = openDescriptors();
    await expect(readWholeFile(dir.path)).rejects.toMatchObject({ code: 'EISDIR' });
    expect(openDescriptors()).toBe(before);
  });
});
