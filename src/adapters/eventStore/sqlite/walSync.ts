import { closeSync, fsync, openSync } from 'node:fs';

export interface WalSync {
  /** Calls `done` once everything committed before this call is on disk (or with the fsync error). */
  afterCommit(done: (error?: Error) => void): void;
  /** Resolves when no fsync is running or waiting. */
  drain(): Promise<void>;
  close(): void;
}

/**
 * Makes commits durable without blocking the event loop. The connection runs with
 * `synchronous=NORMAL`, so a commit only writes its WAL frames; this fsyncs the WAL file on
 * libuv's thread pool and then acknowledges every commit made before the fsync started. That is
 * what `synchronous=FULL` guarantees (an acknowledged append survives a power cut), but the
 * 1–3 ms fsync no longer stops every call's events from being handled. Commits made while an
 * fsync runs share the next one, so there is at most one fsync in flight.
 *
 * fsync flushes a file, not a descriptor: our own descriptor on the `-wal` file covers SQLite's
 * writes. The WAL is never deleted while the store's connection is open (SQLite removes it only
 * when the last connection closes), and a WAL restart rewrites the same file.
 */
export function createWalSync(walPath: string): WalSync {
  let fd: number | undefined;
  let running = false;
  let waiting: Array<(error?: Error) => void> = [];
  let idle: Array<() => void> = [];

  function start(): void {
    running = true;
    const batch = waiting;
    waiting = [];
    const finish = (error: Error | null) => {
      running = false;
      for (const done of batch) done(error ?? undefined);
      if (waiting.length > 0) start();
      else for (const resolve of idle.splice(0)) resolve();
    };
    try {
      // Opened on first use: the WAL file exists once the first commit has written to it.
      fd ??= openSync(walPath, 'r+');
    } catch (error) {
      return finish(error as Error);
    }
    fsync(fd, finish);
  }

  return {
    afterCommit(done) {
      waiting.push(done);
      if (!running) start();
    },
    drain() {
      if (!running && waiting.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idle.push(resolve));
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      idle = [];
    },
  };
}
