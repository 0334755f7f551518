import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { entryBytes, parseTarHeader, readTarEntries, TarFormatError, type TarEntry } from '../../../src/exports/tarReader.js';
import { tarEnd, tarFile, tarHeader, tarPadding } from '../../../src/exports/tarWriter.js';
import { makeTempDir } from '../../support/tempDir.js';

const dir = makeTempDir('tar');
afterAll(() => dir.remove());
const when = new Date('2026-12-06T12:00:00Z');
const longPath = `faxes/${'d'.repeat(90)}/${'n'.repeat(60)}/events.json`;

function archive(files: Array<[string, Buffer]>): Buffer {
  return Buffer.concat([...files.map(([path, content]) => tarFile(path, content, when)), tarEnd()]);
}

async function readBack(path: string): Promise<Array<TarEntry & { content: string }>> {
  const handle = await open(path, 'r');
  try {
    const entries: Array<TarEntry & { content: string }> = [];
    for await (const entry of readTarEntries(handle)) entries.push({ ...entry, content: (await entryBytes(handle, entry)).toString('utf8') });
    return entries;
  } finally {
    await handle.close();
  }
}

describe('ustar writer and reader', () => {
  const files: Array<[string, Buffer]> = [
    ['manifest.json', Buffer.from('{"a":1}\n')],
    ['faxes/f1/empty.txt', Buffer.alloc(0)],
    ['faxes/f1/block.bin', Buffer.alloc(512, 7)],
    ['faxes/f1/big.bin', Buffer.alloc(200_000, 'x')],
    [longPath, Buffer.from('long name')],
  ];

  it('writes an archive that GNU tar lists and extracts byte for byte', () => {
    const path = join(dir.path, 'a.tar');
    writeFileSync(path, archive(files));
    const listing = execFileSync('tar', ['-tvf', path], { encoding: 'utf8' });
    expect(listing.trim().split('\n').map((line) => line.split(/\s+/).at(-1))).toEqual(files.map(([name]) => name));
    const out = join(dir.path, 'out');
    mkdirSync(out);
    execFileSync('tar', ['-xf', path, '-C', out]);
    for (const [name, content] of files) expect(createHash('sha256').update(readFileSync(join(out, name))).digest('hex')).toBe(createHash('sha256').update(content).digest('hex'));
  });

  it('reads back what it wrote, and what GNU tar writes (directories included)', async () => {
    const path = join(dir.path, 'b.tar');
    writeFileSync(path, archive(files));
    expect((await readBack(path)).map(({ path: name, size, content, kind }) => [name, size, content.length, kind])).toEqual(files.map(([name, content]) => [name, content.length, content.length, 'file']));

    const source = join(dir.path, 'src');
    mkdirSync(join(source, 'sub'), { recursive: true });
    writeFileSync(join(source, 'sub', 'x.txt'), 'hello');
    const gnu = join(dir.path, 'gnu.tar');
    execFileSync('tar', ['--format=ustar', '-cf', gnu, '-C', source, 'sub']);
    expect((await readBack(gnu)).map(({ path: name, kind, content }) => [name, kind, content])).toEqual([
      ['sub/', 'directory', ''],
      ['sub/x.txt', 'file', 'hello'],
    ]);
  });

  it('pads to whole blocks and refuses a path ustar cannot hold', () => {
    expect(tarPadding(0).length).toBe(0);
    expect(tarPadding(1).length).toBe(511);
    expect(tarPadding(512).length).toBe(0);
    expect(tarHeader(longPath, 1, when).length).toBe(512);
    expect(() => tarHeader(`${'x'.repeat(101)}`, 1, when)).toThrow(/too long/);
  });

  it('refuses a header whose bytes were changed (checksum) and an archive cut short', async () => {
    const bytes = archive(files);
    const changed = Buffer.from(bytes);
    changed[0] = 'M'.charCodeAt(0) ^ 1;
    expect(() => parseTarHeader(changed.subarray(0, 512))).toThrow(TarFormatError);
    const changedPath = join(dir.path, 'changed.tar');
    writeFileSync(changedPath, changed);
    await expect(readBack(changedPath)).rejects.toThrow(/checksum/);

    const cut = join(dir.path, 'cut.tar');
    writeFileSync(cut, bytes.subarray(0, 512 * 4 + 100));
    await expect(readBack(cut)).rejects.toThrow(/cut short/);
    const noEnd = join(dir.path, 'noend.tar');
    writeFileSync(noEnd, bytes.subarray(0, bytes.length - 1024));
    await expect(readBack(noEnd)).rejects.toThrow(/end blocks/);
  });
});
