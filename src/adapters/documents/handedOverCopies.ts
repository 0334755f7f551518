import { chmodSync, renameSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { PlainFile } from '../../ports/documentStore.js';
import { plainFileAt, type PlainFiles } from './plainFiles.js';

/** A fax queued with a channel free dials within moments; a copy kept longer than this was not needed. */
const KEEP_MS = 10 * 60 * 1000;
/** Faxes queued faster than they dial (no channel free) keep at most this many copies on disk. */
const MAX_KEPT = 1000;

/**
 * Files handed over to the document store by the caller that stored them (`putTiff` with
 * `handOver`), kept in the plain-copy directory as the next plain TIFF of their document. A
 * submitted fax's converted TIFF is what its call's txfax reads next: handing it over saves reading
 * the sealed file back, opening it and writing a new copy. Each copy is taken at most once, and
 * deleted when it was not taken within `keepMs`.
 */
export interface HandedOverCopies {
  /** Moves `path` into the plain-copy directory as `documentId`'s copy; false (the file left where it was) when one is kept already or it cannot be moved. */
  keep(documentId: string, path: string): boolean;
  /** The kept copy of `documentId`, now the caller's to release; undefined when there is none. */
  take(documentId: string): PlainFile | undefined;
  /** Deletes the kept copy of `documentId`, if any (purge). */
  drop(documentId: string): Promise<void>;
}

export function createHandedOverCopies(plainFiles: PlainFiles, keepMs = KEEP_MS): HandedOverCopies {
  const kept = new Map<string, { path: string; timer: NodeJS.Timeout }>();

  function forget(documentId: string): string | undefined {
    const entry = kept.get(documentId);
    if (!entry) return undefined;
    kept.delete(documentId);
    clearTimeout(entry.timer);
    return entry.path;
  }

  async function drop(documentId: string): Promise<void> {
    const path = forget(documentId);
    if (path !== undefined) await rm(path, { force: true });
  }

  /** A copy nobody waits for: a failed delete leaves it to the start-up sweep of plain copies. */
  const dropLater = (documentId: string) => void drop(documentId).catch(() => undefined);

  return {
    keep(documentId, path) {
      if (kept.has(documentId)) return false;
      const target = plainFiles.scratchPath('.tif');
      try {
        // Readable by FreeSWITCH (faxengine's group) like every plain copy; the directory keeps others out.
        chmodSync(path, 0o640);
        renameSync(path, target);
      } catch {
        // Another file system (EXDEV) or gone: the call writes its own copy, as without a hand-over.
        return false;
      }
      if (kept.size >= MAX_KEPT) dropLater(kept.keys().next().value!);
      kept.set(documentId, { path: target, timer: setTimeout(() => dropLater(documentId), keepMs).unref() });
      return true;
    },
    take(documentId) {
      const path = forget(documentId);
      return path === undefined ? undefined : plainFileAt(path);
    },
    drop,
  };
}
