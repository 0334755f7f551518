import { createSpawnHelper, type SpawnHelper } from './spawnHelper.js';

/** What a finished child process left behind. */
export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** True when the process was killed because it ran past its time budget. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Wall-clock budget once the process has started (time spent waiting for a slot is not counted). */
  timeoutMs: number;
  /** Aborting kills a running process and drops a queued one (its promise rejects with the abort reason). */
  signal?: AbortSignal;
}

/** Runs external programs, at most `concurrency` at a time, each in its own process group. */
export interface ProcessPool {
  run(command: string, args: readonly string[], options: RunOptions): Promise<ProcessResult>;
}

// One helper per process, started at the first program (spawnHelper.ts: why not spawn from here).
let helper: SpawnHelper | undefined;

/**
 * A bounded pool of child processes, so that CPU-heavy conversions never run on the event loop and
 * never oversubscribe the machine. No shell is involved: arguments go to the program as they are.
 */
export function createProcessPool(options: { concurrency: number }): ProcessPool {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw new RangeError(`process pool concurrency must be a positive integer, got ${options.concurrency}`);
  }
  let running = 0;
  const waiting: Array<() => void> = [];

  const acquire = (signal: AbortSignal | undefined) =>
    new Promise<void>((resolve, reject) => {
      signal?.throwIfAborted();
      if (running < options.concurrency) {
        running += 1;
        resolve();
        return;
      }
      const grant = () => {
        signal?.removeEventListener('abort', drop);
        running += 1;
        resolve();
      };
      const drop = () => {
        waiting.splice(waiting.indexOf(grant), 1);
        reject(signal?.reason);
      };
      waiting.push(grant);
      signal?.addEventListener('abort', drop, { once: true });
    });

  const release = () => {
    running -= 1;
    waiting.shift()?.();
  };

  return {
    async run(command, args, runOptions) {
      await acquire(runOptions.signal);
      try {
        return await (helper ??= createSpawnHelper()).run(command, args, runOptions);
      } finally {
        release();
      }
    },
  };
}
