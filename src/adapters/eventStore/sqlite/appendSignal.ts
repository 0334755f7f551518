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
 * the same file are noticed by polling `PRAGMA data_version`, which changes only when another
 * connection commits. The poll runs only while someone is waiting.
 */
export function createAppendSignal(db: Database.Database, pollIntervalMs: number): AppendSignal {
  let commits = 0;
  let waiters: Array<() => void> = [];
  let timer: NodeJS.Timeout | undefined;
  // Prepared once: `db.pragma()` compiles a new statement on every call, 20 times a second here.
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  const readDataVersion = () => dataVersion.get()!;
  let lastVersion = readDataVersion();

  function bump(): void {
    commits += 1;
    const woken = waiters;
    waiters = [];
    stopPolling();
    for (const wake of woken) wake();
  }

  function poll(): void {
    let version: number;
    try {
      version = readDataVersion();
    } catch {
      return bump(); // closed underneath us: let the waiters find out on their next read
    }
    if (version !== lastVersion) {
      lastVersion = version;
      bump();
    }
  }

  function stopPolling(): void {
    if (timer) clearInterval(timer);
    timer = undefined;
  }

  return {
    count: () => commits,
    next(since) {
      if (since !== commits) return Promise.resolve();
      return new Promise<void>((resolve) => {
        waiters.push(resolve);
        if (!timer) {
          timer = setInterval(poll, pollIntervalMs);
          timer.unref();
        }
      });
    },
    notify: bump,
    close: bump,
  };
}
