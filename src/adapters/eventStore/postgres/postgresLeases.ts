import type pg from 'pg';
import type { Lease, LeaseStore } from '../../../ports/leaseStore.js';

type LeaseRow = { name: string; owner: string; expires_at: Date; token: number };

/**
 * Leases in PostgreSQL (table `leases`), timed by the database's clock (`clock_timestamp()`), so
 * instances on machines whose clocks differ still agree when a lease has lapsed. Each call is
 * one statement: the compare-and-set is the row's own update.
 */
export function createPostgresLeases(query: <Row extends pg.QueryResultRow>(text: string, values: unknown[]) => Promise<Row[]>): LeaseStore {
  const toLease = (row: LeaseRow): Lease => ({ name: row.name, owner: row.owner, expiresAt: row.expires_at.toISOString(), token: row.token });
  const ttl = (ttlMs: number) => `${Math.max(0, Math.round(ttlMs))} milliseconds`;

  return {
    async acquire(name, owner, ttlMs) {
      const rows = await query<LeaseRow>(
        `INSERT INTO leases (name, owner, expires_at, token) VALUES ($1, $2, clock_timestamp() + $3::interval, 1)
         ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at,
           token = CASE WHEN leases.owner = excluded.owner THEN leases.token ELSE leases.token + 1 END
         WHERE leases.owner = excluded.owner OR leases.expires_at <= clock_timestamp()
         RETURNING name, owner, expires_at, token`,
        [name, owner, ttl(ttlMs)],
      );
      return rows[0] ? toLease(rows[0]) : undefined;
    },
    async renewAll(owner, ttlMs) {
      const rows = await query<{ name: string }>('UPDATE leases SET expires_at = clock_timestamp() + $2::interval WHERE owner = $1 AND expires_at > clock_timestamp() RETURNING name', [owner, ttl(ttlMs)]);
      return rows.map((row) => row.name);
    },
    async release(name, owner) {
      await query('DELETE FROM leases WHERE name = $1 AND owner = $2', [name, owner]);
    },
    async held(prefix) {
      const rows = await query<LeaseRow>('SELECT name, owner, expires_at, token FROM leases WHERE starts_with(name, $1) AND expires_at > clock_timestamp() ORDER BY name', [prefix]);
      return rows.map(toLease);
    },
  };
}
