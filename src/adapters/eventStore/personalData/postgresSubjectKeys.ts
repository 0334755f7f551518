import pg from 'pg';
import { EventStoreUnavailableError } from '../../../ports/eventStore.js';
import type { StoredKey, SubjectKeyBackend } from './subjectKeys.js';

export interface PostgresSubjectKeyOptions {
  /** How soon after a forget the keys table is vacuumed (forgets in between share one VACUUM). */
  vacuumDelayMs?: number;
  onError?: (error: Error) => void;
}

/**
 * Wrapped keys in the event store's database, table `personal_data_keys` (created by the event
 * store's migrations, so open the event store first). A forgotten key's row is overwritten (a
 * tombstone) or deleted; PostgreSQL keeps the old row version until VACUUM, so forgets are
 * followed by a `VACUUM` of this table (debounced) — README: Crypto-shredding.
 */
export function createPostgresSubjectKeyBackend(connectionString: string, options: PostgresSubjectKeyOptions = {}): SubjectKeyBackend {
  const pool = new pg.Pool({ connectionString, max: 2, application_name: 'faxengine-keys' });
  const onError = options.onError ?? ((error: Error) => process.emitWarning(`personal data keys: ${error.message}`));
  pool.on('error', onError);
  // Reported like the event store's own failures: an append that cannot get its key could not be stored either.
  const query = async <Row extends pg.QueryResultRow>(text: string, values: unknown[] = []) => {
    try {
      return await pool.query<Row>(text, values);
    } catch (error) {
      throw new EventStoreUnavailableError(`PostgreSQL personal data keys: ${(error as Error).message}`, { cause: error });
    }
  };
  let vacuumTimer: NodeJS.Timeout | undefined;
  let vacuuming: Promise<void> | undefined;

  const vacuum = () => {
    vacuumTimer = undefined;
    vacuuming = pool
      .query('VACUUM personal_data_keys')
      .then(() => undefined, onError)
      .finally(() => (vacuuming = undefined));
  };

  return {
    async load(subjects) {
      const { rows } = await query<{ subject: string; wrapped: Buffer | null }>('SELECT subject, wrapped FROM personal_data_keys WHERE subject = ANY($1::text[])', [subjects]);
      return new Map<string, StoredKey>(rows.map((row) => [row.subject, row.wrapped]));
    },
    async create(subject, wrapped, keyId) {
      // Committed (synchronous_commit is the server's: on by default) before this resolves.
      await query('INSERT INTO personal_data_keys (subject, key_id, wrapped) VALUES ($1, $2, $3) ON CONFLICT (subject) DO NOTHING', [subject, keyId, wrapped]);
      const { rows } = await query<{ wrapped: Buffer | null }>('SELECT wrapped FROM personal_data_keys WHERE subject = $1', [subject]);
      return rows[0]!.wrapped;
    },
    async destroy(subject, tombstone) {
      if (tombstone) {
        await query(
          'INSERT INTO personal_data_keys (subject, key_id, wrapped) VALUES ($1, NULL, NULL) ON CONFLICT (subject) DO UPDATE SET key_id = NULL, wrapped = NULL',
          [subject],
        );
      } else {
        await query('DELETE FROM personal_data_keys WHERE subject = $1', [subject]);
      }
      vacuumTimer ??= setTimeout(vacuum, options.vacuumDelayMs ?? 5_000);
    },
    async countByKey() {
      const { rows } = await query<{ key_id: string; n: string }>('SELECT key_id, count(*) AS n FROM personal_data_keys WHERE wrapped IS NOT NULL GROUP BY key_id');
      return Object.fromEntries(rows.map((row) => [row.key_id, Number(row.n)]));
    },
    async notUnder(keyId, limit) {
      const { rows } = await query<{ subject: string; wrapped: Buffer }>('SELECT subject, wrapped FROM personal_data_keys WHERE wrapped IS NOT NULL AND key_id <> $1 LIMIT $2', [keyId, limit]);
      return rows;
    },
    async replace(subject, from, to, keyId) {
      const result = await query('UPDATE personal_data_keys SET wrapped = $1, key_id = $2 WHERE subject = $3 AND wrapped = $4', [to, keyId, subject, from]);
      return result.rowCount === 1;
    },
    async close() {
      // A pending VACUUM runs now rather than never.
      if (vacuumTimer) {
        clearTimeout(vacuumTimer);
        vacuum();
      }
      await vacuuming;
      await pool.end();
    },
  };
}
