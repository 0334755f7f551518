import type Database from 'better-sqlite3';
import type { Clock } from '../../../ports/clock.js';
import type { Lease, LeaseStore } from '../../../ports/leaseStore.js';

type LeaseRow = { name: string; owner: string; expires_at: number; token: number };

/**
 * Leases in the event store's SQLite file (table `leases`, created by prepareDatabase). Leases
 * change far less often than events and lapse on their own, so they are written directly, outside
 * the events' group commit and its fsync; time is this process's clock (one machine).
 */
export function createSqliteLeases(db: Database.Database, clock: Clock): LeaseStore {
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
  };
}
