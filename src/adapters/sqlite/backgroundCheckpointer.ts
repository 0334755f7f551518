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
 * One worker thread serves every database of the process (the event store and the read store):
 * a worker is a whole V8 instance, ~8 MB of memory each, for a job that takes microseconds.
 * `stop()` resolves once the worker has closed its connection to that database.
 */
export function startBackgroundCheckpointer(db: Database.Database, path: string, options: { intervalMs?: number; safetyNetPages?: number } = {}): { stop(): Promise<void> } {
  db.pragma(`wal_autocheckpoint = ${options.safetyNetPages ?? 65_536}`);
  const worker = sharedWorker();
  const id = nextId++;
  registered += 1;
  worker.postMessage({ kind: 'open', id, path, intervalMs: options.intervalMs ?? 250 });
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        closing.set(id, resolve);
        worker.postMessage({ kind: 'close', id });
      }).then(async () => {
        registered -= 1;
        if (registered === 0 && current === worker) {
          current = undefined;
          await worker.terminate();
        }
      });
      return stopped;
    },
  };
}

let current: Worker | undefined;
let registered = 0;
let nextId = 1;
const closing = new Map<number, () => void>();

function sharedWorker(): Worker {
  if (current) return current;
  // The worker is plain JavaScript evaluated from this string, so it runs the same under tsx,
  // vitest and the built dist/ (no .ts file to resolve).
  const worker = new Worker(workerSource, { eval: true, workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3') } });
  worker.unref();
  worker.on('message', (message: { kind: string; id: number }) => {
    if (message.kind !== 'closed') return;
    closing.get(message.id)?.();
    closing.delete(message.id);
  });
  // A checkpoint that fails (e.g. the file was removed in a test) only means the safety net takes over.
  worker.on('error', () => undefined);
  // Whatever ended it, nothing is left open in it: let waiting stops finish, and start afresh next time.
  worker.on('exit', () => {
    if (current === worker) current = undefined;
    for (const resolve of closing.values()) resolve();
    closing.clear();
  });
  current = worker;
  return worker;
}

const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const open = new Map();
parentPort.on('message', (message) => {
  if (message.kind === 'open') {
    try {
      const db = new Database(message.path, { fileMustExist: true });
      db.pragma('busy_timeout = 1000');
      // data_version moves when another connection (the main thread's) commits: nothing new, no checkpoint.
      const version = db.prepare('PRAGMA data_version').pluck();
      const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
      let seen;
      const timer = setInterval(() => {
        try {
          const now = version.get();
          if (now === seen) return;
          seen = now;
          checkpoint.get();
        } catch {}
      }, message.intervalMs);
      open.set(message.id, { db, timer });
    } catch {}
  } else if (message.kind === 'close') {
    const entry = open.get(message.id);
    open.delete(message.id);
    if (entry) {
      clearInterval(entry.timer);
      try { entry.db.close(); } catch {}
    }
    parentPort.postMessage({ kind: 'closed', id: message.id });
  }
});
`;
