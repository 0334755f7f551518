import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { entryIdOf, entryOf } from '../../domain/access/pendingRead.js';
import type { AccessJournal, PendingRead, UnlinkedAccessEntry } from '../../ports/accessJournal.js';

/**
 * The access journal as numbered files of JSON lines in `<dir>` (`<dataDir>/access-journal`). Each
 * read is one `write(2)` to the page cache, no fsync: it survives the process being killed, not a
 * power cut. A part is deleted once every entry in it is in the event store, so the directory holds
 * about one batch (~200 ms of reads). A part starts with `{"idBase":…}` (the recorder's entry ids);
 * each read is `[serial, epoch ms, read]`, a read that failed after it was written `[serial]`. A
 * read still under way when its part was sealed is written again in the next part. Lines that are
 * whole entries (parts written before reads were journaled this way) are read as they are.
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

  function writeLine(idBase: string, line: string): void {
    // One recorder per process writes here; a second one's reads go to a part of their own.
    if (current && current.idBase !== idBase) seal();
    current ??= open(idBase);
    writeSync(current.fd, line);
    current.written = true;
  }

  function seal(): void {
    if (!current) return;
    closeSync(current.fd);
    sealed.push(current.path);
    current = undefined;
  }

  return {
    write(pending) {
      writeLine(pending.idBase, `${JSON.stringify([pending.serial, pending.atMs, pending.read])}\n`);
    },
    withdraw(pending) {
      writeLine(pending.idBase, `[${pending.serial}]\n`);
    },
    seal,
    settle() {
      for (const path of sealed) rmSync(path, { force: true });
      sealed = [];
    },
    leftovers() {
      // By entry id: a read under way at a seal is in two parts, and counts once.
      const entries = new Map<string, UnlinkedAccessEntry>();
      const withdrawn = new Set<string>();
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
            if (idBase === undefined) continue;
            const [serial, atMs, read] = parsed as [number, number?, PendingRead['read']?];
            if (read === undefined) withdrawn.add(entryIdOf(idBase, serial));
            else {
              const entry = entryOf({ idBase, serial, atMs: atMs!, read });
              if (!entries.has(entry.entryId)) entries.set(entry.entryId, entry);
            }
          } else if (typeof (parsed as { idBase?: unknown }).idBase === 'string') idBase = (parsed as { idBase: string }).idBase;
          else {
            const entry = parsed as UnlinkedAccessEntry;
            entries.set(entry.entryId, entry);
          }
        }
      }
      return [...entries.values()].filter((entry) => !withdrawn.has(entry.entryId));
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
