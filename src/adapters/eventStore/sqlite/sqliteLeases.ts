import Database from 'better-sqlite3';
import type { Clock } from '../../../ports/clock.js';
import type { Lease, LeaseStore } from '../../../ports/leaseStore.js';
import { keepTemporaryDataInMemory } from '../../sqlite/temporaryDataInMemory.js';

type LeaseRow = { name: string; owner: string; expires_at: number; token: number };

/**
 * Leases in a small SQLite file beside the event store's (`<events file>-leases`), shared by the
 * processes of one machine that share the events file. Not in the events file itself: renewals
 * every few seconds would keep its WAL busy, and with it the checkpoint worker (17 MB) alive in an
 * idle server. Leases lapse on their own, so they are written directly (no fsync wait); time is
 * this process's clock (one machine).
 */
export function createSqliteLeases(path: string, clock: Clock): LeaseStore & { close(): void } {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 10000');
  keepTemporaryDataInMemory(db);
  db.exec('CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL, token INTEGER NOT NULL)');
  const statements = {
    acquire: db.prepare<[{ name: string; owner: string; expiresAt: number; now: number }], LeaseRow>(
      `INSERT INTO leases (name, owner, expires_at, token) VALUES (@name, @owner, @expiresAt, 1)
       ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at,
         token = CASE WHEN leases.owner = excluded.owner THEN leases.token ELSE leases.token + 1 END
       WHERE leases.owner = excluded.owner OR leases.expires_at <= @now
       RETURNING name, owner, expires_at, token`,
    ),
    renewAll: db.prepare<[number, string, number], { name: string }>('UPDATE leases SET expires_at = ? WHERE owner = ? AND expires_at > ? RETURNING name'),
    release: db.prepare<[string, string]>('DELETE FROM leases WHERE name = ? AND owner = ?'),
    held: db.prepare<[number, string, number], LeaseRow>('SELECT name, owner, expires_at, token FROM leases WHERE substr(name, 1, ?) = ? AND expires_at > ? ORDER BY name'),
  };
  const now = () => clock.now().getTime();
  const toLease = (row: LeaseRow): Lease => ({ name: row.name, owner: row.owner, expiresAt: new Date(row.expires_at).toISOString(), token: row.token });

  return {
    async acquire(name, owner, ttlMs) {
      const at = now();
      const row = statements.acquire.get({ name, owner, expiresAt: at + ttlMs, now: at });
      return row ? toLease(row) : undefined;
    },
    async renewAll(owner, ttlMs) {
      const at = now();
      return statements.renewAll.all(at + ttlMs, owner, at).map((row) => row.name);
    },
    async release(name, owner) {
      statements.release.run(name, owner);
    },
    async held(prefix) {
      return statements.held.all(prefix.length, prefix, now()).map(toLease);
    },
    close: () => db.close(),
  };
}
