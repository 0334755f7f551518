import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/**
 * Keeps a SQLite WAL short without stalling the event loop. SQLite's automatic checkpoint runs
 * inside whichever commit crosses the threshold, on the main thread, copying megabytes and
 * fsyncing the database file: tens of milliseconds in which no call's event is handled. Here a
 * worker thread with its own connection runs PASSIVE checkpoints (they never block readers or
 * the writer) every `intervalMs`, when something was committed since the last one; the main
 * connection's automatic checkpoint stays on at a high threshold only as a safety net should the
 * worker fall behind.
 *
 * One worker thread serves every database of the process (the event store and the read store),
 * and only while they are written to: a worker with its SQLite connections is ~17 MB of memory
 * for a job that takes microseconds. After `idleStopMs` without a commit to any of them it ends;
 * `wakeBackgroundCheckpointer()` (called by the SQLite event store on every commit, which most
 * other writes follow) starts it again at once, and so does a WAL file written to since (looked at
 * every 5 s while the worker is away: a read store beside a KurrentDB event store has no waker).
 * `stop()` resolves once no connection to that database is left open in the worker.
 */
export function startBackgroundCheckpointer(
  db: Database.Database,
  path: string,
  options: { intervalMs?: number; safetyNetPages?: number; idleStopMs?: number } = {},
): BackgroundCheckpointer {
  db.pragma(`wal_autocheckpoint = ${options.safetyNetPages ?? 65_536}`);
  const id = nextId++;
  const database = { path, intervalMs: options.intervalMs ?? 250 };
  registered.set(id, database);
  if (options.idleStopMs !== undefined) idleStopMs = options.idleStopMs;
  if (current) current.postMessage({ kind: 'open', id, ...database });
  else startWorker();
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= closeIn(id);
      return stopped;
    },
    truncateSoon() {
      if (!registered.has(id)) return;
      wakeBackgroundCheckpointer();
      current?.postMessage({ kind: 'truncate', id });
    },
  };
}

export interface BackgroundCheckpointer {
  /** Resolves once no connection to the database is left open in the worker. */
  stop(): Promise<void>;
  /**
   * At the worker's next tick, checkpoint the whole WAL and truncate it to zero bytes (retried at
   * later ticks while a reader holds it): after a commit that cleared personal data, so the WAL
   * does not keep the pages as they were before it. It blocks the main connection's writers only
   * for the copy of what the passive checkpoints left, in the worker, never in a commit.
   */
  truncateSoon(): void;
}

/** Something was committed: make sure the worker runs (a no-op while it does). */
export function wakeBackgroundCheckpointer(): void {
  lastWake = Date.now();
  if (!current && registered.size > 0) startWorker();
}

const registered = new Map<number, { path: string; intervalMs: number }>();
const closing = new Map<number, () => void>();
let current: Worker | undefined;
let nextId = 1;
let lastWake = 0;
let idleStopMs = 30_000;

async function closeIn(id: number): Promise<void> {
  registered.delete(id);
  const worker = current;
  if (!worker) return;
  await new Promise<void>((resolve) => {
    closing.set(id, resolve);
    worker.postMessage({ kind: 'close', id });
  });
  if (registered.size === 0 && current === worker) await endWorker(worker);
}

async function endWorker(worker: Worker): Promise<void> {
  if (current === worker) current = undefined;
  await worker.terminate();
  await watchWals();
}

let watcher: NodeJS.Timeout | undefined;
const walWrittenAt = async (path: string) => (await stat(`${path}-wal`).catch(() => undefined))?.mtimeMs ?? 0;

/** While the worker is away: start it again once any registered WAL has been written to. */
async function watchWals(): Promise<void> {
  if (registered.size === 0) return;
  const seen = new Map<string, number>();
  for (const { path } of registered.values()) seen.set(path, await walWrittenAt(path));
  clearInterval(watcher);
  watcher = setInterval(() => {
    if (current || registered.size === 0) return void clearInterval(watcher);
    void Promise.all([...registered.values()].map(async ({ path }) => (await walWrittenAt(path)) !== (seen.get(path) ?? 0))).then((changed) => {
      if (changed.includes(true) && !current && registered.size > 0) startWorker();
    });
  }, 5000);
  watcher.unref();
}

function startWorker(): void {
  clearInterval(watcher);
  watcher = undefined;
  // The worker is plain JavaScript evaluated from this string, so it runs the same under tsx,
  // vitest and the built dist/ (no .ts file to resolve).
  const worker = new Worker(workerSource, { eval: true, workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), idleStopMs } });
  worker.unref();
  worker.on('message', (message: { kind: string; id?: number }) => {
    if (message.kind === 'closed') {
      closing.get(message.id!)?.();
      closing.delete(message.id!);
    } else if (message.kind === 'idle' && Date.now() - lastWake >= idleStopMs && current === worker && closing.size === 0) {
      void endWorker(worker);
    }
  });
  // A checkpoint that fails (e.g. the file was removed in a test) only means the safety net takes over.
  worker.on('error', () => undefined);
  // Whatever ended it, nothing is left open in it: let waiting stops finish.
  worker.on('exit', () => {
    if (current === worker) current = undefined;
    for (const resolve of closing.values()) resolve();
    closing.clear();
  });
  current = worker;
  for (const [id, database] of registered) worker.postMessage({ kind: 'open', id, ...database });
}

const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const open = new Map();
let lastChange = Date.now();
// One timer for every database, at the shortest interval asked for: each wake-up of a thread costs CPU.
let timer;
let timerMs;
function tick() {
  for (const entry of open.values()) {
    try {
      if (entry.truncate) {
        // Writers wait while it runs: a passive checkpoint first copies the frames beside them, so
        // the truncate itself has (nearly) nothing left to copy (measured: 1-9 ms instead of 11-59 ms).
        // No waiting for readers either. [busy, log frames, checkpointed frames]: busy means a reader
        // kept it from finishing; try again next tick.
        entry.checkpoint.get();
        entry.db.pragma('busy_timeout = 0');
        try {
          if (entry.truncating.get()[0] === 0) entry.truncate = false;
        } finally {
          entry.db.pragma('busy_timeout = 1000');
        }
        lastChange = Date.now();
        continue;
      }
      // data_version moves when another connection (the main thread's) commits: nothing new, no checkpoint.
      const now = entry.version.get();
      if (now === entry.seen) continue;
      entry.seen = now;
      lastChange = Date.now();
      entry.checkpoint.get();
    } catch {}
  }
}
function schedule() {
  const shortest = Math.min(...[...open.values()].map((entry) => entry.intervalMs));
  if (shortest === timerMs) return;
  clearInterval(timer);
  timerMs = shortest;
  timer = open.size > 0 ? setInterval(tick, shortest) : undefined;
}
parentPort.on('message', (message) => {
  if (message.kind === 'open') {
    try {
      const db = new Database(message.path, { fileMustExist: true });
      db.pragma('busy_timeout = 1000');
      const entry = { db, intervalMs: message.intervalMs, version: db.prepare('PRAGMA data_version').pluck(), checkpoint: db.prepare('PRAGMA wal_checkpoint(PASSIVE)'), truncating: db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').raw(), truncate: false, seen: undefined };
      open.set(message.id, entry);
      schedule();
    } catch {}
  } else if (message.kind === 'truncate') {
    const entry = open.get(message.id);
    if (entry) entry.truncate = true;
  } else if (message.kind === 'close') {
    const entry = open.get(message.id);
    open.delete(message.id);
    if (entry) {
      try { entry.db.close(); } catch {}
    }
    schedule();
    parentPort.postMessage({ kind: 'closed', id: message.id });
  }
});
// Nothing committed anywhere for a while: say so; the main thread ends this worker unless it was just woken.
setInterval(() => {
  if (Date.now() - lastChange >= workerData.idleStopMs) parentPort.postMessage({ kind: 'idle' });
}, Math.max(1000, Math.min(workerData.idleStopMs, 10000)));
`;
