import { spawn, type ChildProcess } from 'node:child_process';
import type { ProcessResult, RunOptions } from './processPool.js';

/** Starts programs for the server from a small process of its own (see createSpawnHelper). */
export interface SpawnHelper {
  run(command: string, args: readonly string[], options: RunOptions): Promise<ProcessResult>;
  /** Ends the helper (a running program is killed); the next run starts a new one. */
  close(): void;
  /** The helper's process id while one runs (for tests). */
  pid(): number | undefined;
}

/**
 * Why a helper: Node starts a program with fork(), which copies the page tables of the whole
 * server (100–200 MB when busy) and leaves every page of it copy-on-write, so the server pays
 * ~3 ms of CPU per program started and then a page fault for each page it writes next: measured,
 * a third of the CPU of a sent fax was the kernel's. A small Node process started once (and again
 * after `idleStopMs` without work) forks for a fraction of that. It starts each program as
 * processPool did (its own process group, killed whole on time-out or abort, output captured up to
 * a bound) and kills what runs when the server goes away (its IPC channel closes).
 */
export function createSpawnHelper(options: { idleStopMs?: number } = {}): SpawnHelper {
  const idleStopMs = options.idleStopMs ?? 60_000;
  let helper: ChildProcess | undefined;
  let nextId = 1;
  const pending = new Map<number, { child: ChildProcess; resolve(result: ProcessResult): void; reject(error: unknown): void }>();
  let idleTimer: NodeJS.Timeout | undefined;

  const stop = () => {
    clearTimeout(idleTimer);
    idleTimer = undefined;
    const current = helper;
    helper = undefined;
    if (current?.connected) current.disconnect();
  };

  const start = (): ChildProcess => {
    const child = spawn(process.execPath, ['--max-semi-space-size=1', '-e', helperSource], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' });
    // The helper never keeps the server's process alive by itself; its channel does while jobs run.
    child.unref();
    child.on('message', (message: HelperReply) => {
      const job = pending.get(message.id);
      if (!job) return;
      pending.delete(message.id);
      if (helper === child) settleIdle(child);
      if ('error' in message) job.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
      else job.resolve(message.result);
    });
    child.once('exit', (code, signal) => {
      if (helper === child) helper = undefined;
      // Every job it had is lost with it: each fails, as a program that could not run.
      for (const [id, job] of pending) {
        if (job.child !== child) continue;
        pending.delete(id);
        job.reject(new Error(`the helper process that starts programs ended (${signal ?? `exit code ${code}`}) while it ran one`));
      }
    });
    child.on('error', () => undefined);
    return child;
  };

  /** While jobs run, the channel keeps the process alive (a CLI command waits for them); idle, it does not. */
  const settleIdle = (child: ChildProcess) => {
    if ([...pending.values()].some((job) => job.child === child)) return;
    child.channel?.unref();
    clearTimeout(idleTimer);
    idleTimer = setTimeout(stop, idleStopMs);
    idleTimer.unref();
  };

  return {
    run(command, args, { timeoutMs, signal }) {
      return new Promise<ProcessResult>((resolve, reject) => {
        signal?.throwIfAborted();
        clearTimeout(idleTimer);
        helper ??= start();
        const child = helper;
        child.channel?.ref();
        const id = nextId++;
        const onAbort = () => child.connected && child.send({ kill: id });
        signal?.addEventListener('abort', onAbort, { once: true });
        pending.set(id, {
          child,
          resolve(result) {
            signal?.removeEventListener('abort', onAbort);
            if (signal?.aborted && !result.timedOut) reject(signal.reason);
            else resolve(result);
          },
          reject(error) {
            signal?.removeEventListener('abort', onAbort);
            reject(error);
          },
        });
        child.send({ id, command, args: [...args], timeoutMs });
      });
    },
    close: stop,
    pid: () => helper?.pid,
  };
}

type HelperReply = { id: number; result: ProcessResult } | { id: number; error: { code?: string; message: string } };

// Plain JavaScript run with `node -e`, so it works the same under tsx, vitest and the built dist/.
const helperSource = `
const { spawn } = require('node:child_process');
const MAX_CAPTURED_BYTES = 32 * 1024 * 1024;
const running = new Map();
const killGroup = (child) => {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try { process.kill(-child.pid, 'SIGKILL'); } catch {}
};
const capture = (stream) => {
  const chunks = []; let size = 0;
  stream.on('data', (chunk) => { if (size >= MAX_CAPTURED_BYTES) return; chunks.push(chunk); size += chunk.length; });
  return () => Buffer.concat(chunks).toString('utf8');
};
process.on('message', (message) => {
  if (message.kill !== undefined) { const child = running.get(message.kill); if (child) killGroup(child); return; }
  const { id, command, args, timeoutMs } = message;
  let child;
  try {
    child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    process.send({ id, error: { code: error.code, message: error.message } });
    return;
  }
  running.set(id, child);
  const stdout = capture(child.stdout), stderr = capture(child.stderr);
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; killGroup(child); }, timeoutMs);
  // A program that cannot start (ENOENT) reports 'error' and then 'close': one answer only.
  const answer = (reply) => { if (!running.has(id)) return; clearTimeout(timer); running.delete(id); process.send(reply); };
  child.once('error', (error) => answer({ id, error: { code: error.code, message: error.message } }));
  child.once('close', (exitCode, signal) => answer({ id, result: { exitCode, signal, timedOut, stdout: stdout(), stderr: stderr() } }));
});
// The server is gone (or let it go): nothing it started may outlive it.
process.on('disconnect', () => { for (const child of running.values()) killGroup(child); process.exit(0); });
`;
