import type pg from 'pg';

/**
 * The event store's tables, in the connection's schema (set `search_path` in the connection
 * string's `options` to keep them apart from other tables). `event_head` has one row: the last
 * position given out. Every append locks that row until it commits, so appends across all
 * instances are serialised and commit in position order: a reader never sees position n+1 before
 * n, and a follower that reads "after its checkpoint" can never skip an event that commits late.
 * Data and metadata are `json` (kept exactly as written, still queryable with ->>), not `jsonb`
 * (which reorders keys).
 */
const migrations: readonly string[] = [
  `CREATE TABLE events (
     position bigint PRIMARY KEY,
     id uuid NOT NULL UNIQUE,
     stream text NOT NULL,
     revision integer NOT NULL,
     type text NOT NULL,
     data json NOT NULL,
     metadata json NOT NULL,
     created timestamptz NOT NULL,
     UNIQUE (stream, revision)
   );
   CREATE TABLE event_head (only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row), position bigint NOT NULL);
   INSERT INTO event_head (position) VALUES (0);
   CREATE TABLE event_checkpoints (name text PRIMARY KEY, position bigint NOT NULL, updated timestamptz NOT NULL);`,
  `CREATE TABLE leases (name text PRIMARY KEY, owner text NOT NULL, expires_at timestamptz NOT NULL, token bigint NOT NULL);`,
  // Per-subject data keys of personal data (crypto-shredding), wrapped under the key ring; a row
  // with no key is a forgotten subject. personalData/postgresSubjectKeys.ts.
  `CREATE TABLE personal_data_keys (subject text PRIMARY KEY, key_id text, wrapped bytea);`,
];

/** Creates or migrates the schema; concurrent starts of several instances wait for each other. */
export async function migrateEventStoreSchema(client: pg.PoolClient): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('faxengine event store schema'))");
    await client.query('CREATE TABLE IF NOT EXISTS event_store_schema (version integer NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM event_store_schema');
    const current = rows[0]?.version ?? 0;
    if (current > migrations.length) throw new Error(`the event store's schema is version ${current}, newer than this faxengine knows (${migrations.length}): upgrade faxengine`);
    for (let version = current; version < migrations.length; version++) await client.query(migrations[version]!);
    if (rows.length === 0) await client.query('INSERT INTO event_store_schema (version) VALUES ($1)', [migrations.length]);
    else await client.query('UPDATE event_store_schema SET version = $1', [migrations.length]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
