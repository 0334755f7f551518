import type { AccessEntry } from '../domain/access/accessEvents.js';

/** An access entry before it is linked into its trail's chain. */
export type UnlinkedAccessEntry = Omit<AccessEntry, 'seq' | 'prev' | 'hash'>;

/**
 * Where the access recorder writes each entry the moment it is recorded, so that a process killed
 * before the entry's batch reached the event store (SIGKILL, a crash) loses nothing: the next start
 * appends what the journal holds and the trail lacks.
 */
export interface AccessJournal {
  /** Keeps one entry (a write to the OS, not a sync to disk: the read is not held up). */
  write(entry: UnlinkedAccessEntry): void;
  /** Closes the current part: everything written so far is in the parts `settle` deletes. */
  seal(): void;
  /** Everything up to the last `seal` is stored in the event store: its parts go. */
  settle(): void;
  /** What a previous process left (its parts are then sealed ones). */
  leftovers(): UnlinkedAccessEntry[];
  close(): void;
}
