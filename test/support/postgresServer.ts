import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';

const sharedUrlFile = new URL('../postgres/.run/url', import.meta.url).pathname;

/**
 * The PostgreSQL server the tests share: `FAXENGINE_TEST_POSTGRES_URL`, else the one
 * `test/postgres/start.sh` started (`.ci/setup --test` does). Throws when there is neither, so the
 * PostgreSQL tests fail rather than skip on a machine that lost its server.
 */
export function testPostgresUrl(): string {
  const fromEnv = process.env.FAXENGINE_TEST_POSTGRES_URL?.trim();
  if (fromEnv) return fromEnv;
  if (existsSync(sharedUrlFile)) return readFileSync(sharedUrlFile, 'utf8').trim();
  throw new Error('no PostgreSQL server for the tests: run `bash test/postgres/start.sh` (or set FAXENGINE_TEST_POSTGRES_URL)');
}

/** A database of the test's own on the shared server; `drop` removes it (ending its connections). */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = testPostgresUrl();
  const name = `faxengine_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
