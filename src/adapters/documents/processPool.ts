import { spawn } from 'node:child_process';

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

// Enough for `tiffinfo` on a long document; anything past it is not needed to classify a failure.
const MAX_CAPTURED_BYTES = 32 * 1024 * 1024;

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
        return await spawnBounded(command, args, runOptions);
      } finally {
        release();
      }
    },
  };
}

function spawnBounded(command: string, args: readonly string[], { timeoutMs, signal }: RunOptions): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    // `detached` makes the child lead a new process group, so a kill reaches anything it spawned too.
    const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout = capture(child.stdout);
    const stderr = capture(child.stderr);
    let timedOut = false;
    const killGroup = () => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    const onAbort = () => killGroup();
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    child.once('error', (error) => {
      settle();
      reject(error);
    });
    child.once('close', (exitCode, exitSignal) => {
      settle();
      if (signal?.aborted && !timedOut) {
        reject(signal.reason);
        return;
      }
      resolve({ exitCode, signal: exitSignal, timedOut, stdout: stdout(), stderr: stderr() });
    });
  });
}

function capture(stream: NodeJS.ReadableStream): () => string {
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    if (size >= MAX_CAPTURED_BYTES) return;
    chunks.push(chunk);
    size += chunk.length;
  });
  return () => Buffer.concat(chunks).toString('utf8');
}
