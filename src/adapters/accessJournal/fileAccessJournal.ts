import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { AccessJournal, UnlinkedAccessEntry } from '../../ports/accessJournal.js';

/**
 * The access journal as numbered files of JSON lines in `<dir>` (`<dataDir>/access-journal`). Each
 * entry is one `write(2)` to the page cache, no fsync: it survives the process being killed, not a
 * power cut. A part is deleted once every entry in it is in the event store, so the directory holds
 * about one batch (~200 ms of reads).
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
  let current: { fd: number; path: string; written: boolean } | undefined;

  function open(): { fd: number; path: string; written: boolean } {
    const path = join(dir, `${String(number++).padStart(12, '0')}.jsonl`);
    return { fd: openSync(path, 'a', 0o600), path, written: false };
  }

  return {
    write(entry) {
      current ??= open();
      writeSync(current.fd, `${JSON.stringify(entry)}\n`);
      current.written = true;
    },
    seal() {
      if (!current) return;
      closeSync(current.fd);
      sealed.push(current.path);
      current = undefined;
    },
    settle() {
      for (const path of sealed) rmSync(path, { force: true });
      sealed = [];
    },
    leftovers() {
      const entries: UnlinkedAccessEntry[] = [];
      for (const name of existing) {
        for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
          // A line is one write(2), whole after a kill; one cut short by a power cut is skipped.
          if (!line.trim()) continue;
          try {
            entries.push(JSON.parse(line) as UnlinkedAccessEntry);
          } catch {
            continue;
          }
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
