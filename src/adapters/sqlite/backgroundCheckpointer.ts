import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/**
 * Keeps a SQLite WAL short without stalling the event loop. SQLite's automatic checkpoint runs
 * inside whichever commit crosses the threshold, on the main thread, copying megabytes and
 * fsyncing the database file: tens of milliseconds in which no call's event is handled. Here a
 * worker thread with its own connection runs PASSIVE checkpoints (they never block readers or
 * the writer) every `intervalMs`; the main connection's automatic checkpoint stays on at a high
 * threshold only as a safety net should the worker fall behind.
 */
export function startBackgroundCheckpointer(db: Database.Database, path: string, options: { intervalMs?: number; safetyNetPages?: number } = {}): { stop(): Promise<void> } {
  db.pragma(`wal_autocheckpoint = ${options.safetyNetPages ?? 65_536}`);
  // The worker is plain JavaScript evaluated from this string, so it runs the same under tsx,
  // vitest and the built dist/ (no .ts file to resolve).
  const worker = new Worker(workerSource, {
    eval: true,
    workerData: { path, intervalMs: options.intervalMs ?? 250, driver: createRequire(import.meta.url).resolve('better-sqlite3') },
  });
  worker.unref();
  // A checkpoint that fails (e.g. the file was removed in a test) only means the safety net takes over.
  worker.on('error', () => undefined);
  return {
    async stop() {
      await worker.terminate();
    },
  };
}

const workerSource = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {}
}, workerData.intervalMs);
`;
