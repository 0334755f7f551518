import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { entryOf } from '../../domain/access/pendingRead.js';
import type { AccessJournal, PendingRead, UnlinkedAccessEntry } from '../../ports/accessJournal.js';

/**
 * The access journal as numbered files of JSON lines in `<dir>` (`<dataDir>/access-journal`). Each
 * read is one `write(2)` to the page cache, no fsync: it survives the process being killed, not a
 * power cut. A part is deleted once every entry in it is in the event store, so the directory holds
 * about one batch (~200 ms of reads). A part starts with `{"idBase":…}` (the recorder's entry ids);
 * each read is `[serial, epoch ms, read]`. Lines that are whole entries (parts written before
 * reads were journaled this way) are read as they are.
 */
export function createFileAccessJournal(dir: string): AccessJournal {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const parts = () =>
    readdirSync(dir)
      .filter((name) => /^\d{12}\.jsonl$/.test(name))
      .sort();
  const existing = parts();
  let sealed = existing.map((name) => join(dir, name));
  let number = existing.length > 0 ? Number(existing.at(-1)!.slice(0, 12)) + 1 : 1;
  let current: { fd: number; path: string; written: boolean; idBase: string } | undefined;

  function open(idBase: string): { fd: number; path: string; written: boolean; idBase: string } {
    const path = join(dir, `${String(number++).padStart(12, '0')}.jsonl`);
    const fd = openSync(path, 'a', 0o600);
    writeSync(fd, `${JSON.stringify({ idBase })}\n`);
    return { fd, path, written: false, idBase };
  }

  function seal(): void {
    if (!current) return;
    closeSync(current.fd);
    sealed.push(current.path);
    current = undefined;
  }

  return {
    write(pending) {
      // One recorder per process writes here; a second one's reads go to a part of their own.
      if (current && current.idBase !== pending.idBase) seal();
      current ??= open(pending.idBase);
      writeSync(current.fd, `${JSON.stringify([pending.serial, pending.atMs, pending.read])}\n`);
      current.written = true;
    },
    seal,
    settle() {
      for (const path of sealed) rmSync(path, { force: true });
      sealed = [];
    },
    leftovers() {
      const entries: UnlinkedAccessEntry[] = [];
      for (const name of existing) {
        let idBase: string | undefined;
        for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
          // A line is one write(2), whole after a kill; one cut short by a power cut is skipped.
          if (!line.trim()) continue;
          let parsed: unknown;
          try {
            parsed = JSON.parse(line);
          } catch {
            continue;
          }
          if (Array.isArray(parsed)) {
            const [serial, atMs, read] = parsed as [number, number, PendingRead['read']];
            if (idBase !== undefined) entries.push(entryOf({ idBase, serial, atMs, read }));
          } else if (typeof (parsed as { idBase?: unknown }).idBase === 'string') idBase = (parsed as { idBase: string }).idBase;
          else entries.push(parsed as UnlinkedAccessEntry);
        }
      }
      return entries;
    },
    close() {
      if (!current) return;
      closeSync(current.fd);
      // An empty part (opened, nothing written) is not left behind.
      if (!current.written) rmSync(current.path, { force: true });
      current = undefined;
    },
  };
}
