import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileAccessJournal } from '../../../src/adapters/accessJournal/fileAccessJournal.js';
import type { AccessRead } from '../../../src/domain/access/accessEvents.js';
import { entryIdOf, newIdBase, type PendingRead } from '../../../src/domain/access/pendingRead.js';
import { makeTempDir } from '../../support/tempDir.js';

const readOf = (n: number): AccessRead => ({
  faxId: `fax-${n}`,
  tenantId: 't1',
  reader: { kind: 'admin', credential: 'password' },
  from: { address: '203.0.113.1', userAgent: null, via: 'api' },
  what: { kind: 'tiff' },
});

/** What a killed process's journal gives the next start, read from the files themselves. */
describe('file access journal: what a kill leaves', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it('gives a read written in two parts once, and none of a withdrawn read, whichever part its lines are in', () => {
    const dir = makeTempDir('file-access-journal');
    cleanups.push(dir.remove);
    const idBase = newIdBase();
    const pending = (serial: number): PendingRead => ({ idBase, serial, atMs: Date.parse('2026-12-08T01:00:00Z') + serial, read: readOf(serial) });
    const killed = createFileAccessJournal(dir.path);
    killed.write(pending(1));
    killed.write(pending(2));
    killed.write(pending(3));
    // A batch sealed the part while reads 1 and 2 were under way: their lines go on in the next part.
    killed.seal();
    killed.write(pending(1));
    killed.write(pending(2));
    killed.withdraw(pending(2));
    killed.write(pending(4));
    killed.withdraw(pending(4));
    // Killed before the sealed part was settled: both parts are there.
    expect(readdirSync(dir.path)).toEqual(['000000000001.jsonl', '000000000002.jsonl']);

    const left = createFileAccessJournal(dir.path).leftovers();
    expect(left.map((entry) => entry.faxId)).toEqual(['fax-1', 'fax-3']);
    expect(left.map((entry) => entry.entryId)).toEqual([entryIdOf(idBase, 1), entryIdOf(idBase, 3)]);
    expect(left[0]).toMatchObject({ at: '2026-12-08T01:00:00.001Z', what: { kind: 'tiff' } });
  });
});
