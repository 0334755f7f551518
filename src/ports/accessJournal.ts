import type { PendingRead, UnlinkedAccessEntry } from '../domain/access/pendingRead.js';

export type { PendingRead, UnlinkedAccessEntry } from '../domain/access/pendingRead.js';

/**
 * Where the access recorder writes each read the moment it is recorded, so that a process killed
 * before the entry's batch reached the event store (SIGKILL, a crash) loses nothing: the next start
 * appends what the journal holds and the trail lacks.
 */
export interface AccessJournal {
  /** Keeps one read (a write to the OS, not a sync to disk: the read is not held up). */
  write(read: PendingRead): void;
  /** A read written before failed: none of its lines (it may be in two parts) is among the leftovers. */
  withdraw(read: PendingRead): void;
  /** Closes the current part: everything written so far is in the parts `settle` deletes. */
  seal(): void;
  /** Everything up to the last `seal` is stored in the event store: its parts go. */
  settle(): void;
  /** What a previous process left (its parts are then sealed ones), as the entries it would have made. */
  leftovers(): UnlinkedAccessEntry[];
  close(): void;
}
