import { watch, type FSWatcher } from 'node:fs';
import type Database from 'better-sqlite3';

export interface AppendSignal {
  /** Moves on every commit seen: ours, or another process's. */
  count(): number;
  /** Resolves once `count()` differs from `since`: at once for our commits, within a poll interval for others'. */
  next(since: number): Promise<void>;
  /** Called after each of our own commits. */
  notify(): void;
  close(): void;
}

/**
 * Wakes live subscriptions. Our own commits wake them immediately; commits by another process on
 * the same file are noticed by reading `PRAGMA data_version`, which changes only when another
 * connection commits. It is read whenever the WAL file (`walPath`) is written to, which every
 * commit does (inotify: no wake-up while nothing happens; a timer wake-up costs ~0.2 ms of CPU
 * on a small VM, so a 50 ms poll alone was 4 ms of CPU every second of an idle server), and
 * every `pollIntervalMs` as well while the WAL cannot be watched, or every `safetyPollMs` while
 * it is. The poll runs only while someone is waiting.
 *
 * Our own commits write the WAL too, one change event per page written: a busy server saw about
 * 300 a second, and each `data_version` read takes and drops a read lock on the WAL index (up to
 * four `fcntl` calls: a tenth of the event loop's). So a change event only schedules a poll
 * `settleMs` later, and the events until then ride along with it: another process's commit is
 * seen at most `settleMs` later than before.
 */
export function createAppendSignal(
  db: Database.Database,
  pollIntervalMs: number,
  walPath?: string,
  safetyPollMs = 1000,
  /** Called when a commit by another connection is noticed, before the waiters are woken. */
  onOtherCommit: () => void = () => {},
  settleMs = 20,
): AppendSignal {
  let commits = 0;
  let waiters: Array<() => void> = [];
  let timer: NodeJS.Timeout | undefined;
  let settling: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  // Prepared once: `db.pragma()` compiles a new statement on every call, 20 times a second here.
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  const readDataVersion = () => dataVersion.get()!;
  let lastVersion = readDataVersion();

  function bump(): void {
    commits += 1;
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  }

  function poll(): void {
    // Left running across our own commits (subscribers wait again at once); stopped once nobody waits.
    if (waiters.length === 0) return stopPolling();
    let version: number;
    try {
      version = readDataVersion();
    } catch {
      onOtherCommit();
      return bump(); // closed underneath us: let the waiters find out on their next read
    }
    if (version !== lastVersion) {
      lastVersion = version;
      onOtherCommit();
      bump();
    }
  }

  function pollSoon(): void {
    settling ??= setTimeout(() => {
      settling = undefined;
      poll();
    }, settleMs).unref();
  }

  function stopPolling(): void {
    if (timer) clearInterval(timer);
    timer = undefined;
    if (settling) clearTimeout(settling);
    settling = undefined;
    watcher?.close();
    watcher = undefined;
  }

  function startPolling(): void {
    if (walPath) {
      try {
        watcher = watch(walPath, { persistent: false }, pollSoon);
        watcher.on('error', () => {
          // Watching stopped working: poll at the full rate instead.
          watcher?.close();
          watcher = undefined;
          if (timer) clearInterval(timer);
          timer = setInterval(poll, pollIntervalMs);
          timer.unref();
        });
      } catch {
        watcher = undefined; // no WAL file yet (nothing written): the poll below sees the first commit
      }
    }
    timer = setInterval(poll, watcher ? safetyPollMs : pollIntervalMs);
    timer.unref();
    // What another process committed while nobody waited (nothing watched the WAL then) is seen now.
    poll();
  }

  return {
    count: () => commits,
    next(since) {
      if (since !== commits) return Promise.resolve();
      return new Promise<void>((resolve) => {
        waiters.push(resolve);
        if (!timer && !watcher) startPolling();
      });
    },
    notify: bump,
    close() {
      bump();
      stopPolling();
    },
  };
}
