import { randomBytes } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
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
    const whileReading = vi.fn();
    await expect(readWholeFile(join(dir.path, 'absent.tif'), whileReading)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(whileReading).not.toHaveBeenCalled();
  });

  it('runs whileReading once, with the file open and its bytes not yet answered', async () => {
    const dir = makeTempDir('read-whole-file');
    cleanups.push(dir.remove);
    const content = randomBytes(61_000);
    const path = join(dir.path, 'document.tif');
    writeFileSync(path, content);
    const before = openDescriptors();
    let answered = false;
    const seen: number[] = [];
    const reading = readWholeFile(path, () => {
      expect(answered).toBe(false);
      seen.push(openDescriptors());
    });
    void reading.then(() => (answered = true));
    expect((await reading).equals(content)).toBe(true);
    expect(seen).toEqual([before + 1]);
    expect(openDescriptors()).toBe(before);
  });

  it('closes the file when whileReading throws, and rejects with its error', async () => {
    const dir = makeTempDir('read-whole-file');
    cleanups.push(dir.remove);
    const path = join(dir.path, 'document.tif');
    writeFileSync(path, randomBytes(1000));
    const before = openDescriptors();
    await expect(
      readWholeFile(path, () => {
        throw new Error('journal full');
      }),
    ).rejects.toThrow('journal full');
    for (let tries = 0; tries < 100 && openDescriptors() !== before; tries++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(openDescriptors()).toBe(before);
  });

  it('rejects a directory with EISDIR and closes what it opened', async () => {
    const dir = makeTempDir('read-whole-file');
    cleanups.push(dir.remove);
    const before = openDescriptors();
    await expect(readWholeFile(dir.path)).rejects.toMatchObject({ code: 'EISDIR' });
    expect(openDescriptors()).toBe(before);
  });
});
