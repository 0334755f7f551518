// Which PostgreSQL client for the event store (#20 asks to choose by measurement): node-postgres
// (`pg`) against Porsager's `postgres`, on the event store's own kinds of work, in one run against
// the tests' server (test/postgres/start.sh, or FAXENGINE_TEST_POSTGRES_URL), a database of its own.
// Run: npx tsx test/bench/postgresClients.ts — one JSON line per client (operations per second).
import pg from 'pg';
import postgres from 'postgres';
import { createTestDatabase } from '../support/postgresServer.js';

const APPENDS = 2000;
const POINT_READS = 5000;
const PAGE = 1000;
const PAGES = 20;

interface Client {
  name: string;
  /** One append: a transaction inserting 8 events as one statement. */
  append(round: number): Promise<void>;
  pointRead(stream: string): Promise<unknown>;
  page(after: number): Promise<number>;
  end(): Promise<void>;
}

const schema = `CREATE TABLE IF NOT EXISTS bench_events (position bigint PRIMARY KEY, stream text NOT NULL, revision int NOT NULL, data json NOT NULL, metadata json NOT NULL, created timestamptz NOT NULL DEFAULT now(), UNIQUE (stream, revision))`;
const insert = `INSERT INTO bench_events (position, stream, revision, data, metadata) SELECT p, s, r, d::json, m::json FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::text[]) AS u(p, s, r, d, m)`;
const rows = (round: number, offset: number) => {
  const positions = Array.from({ length: 8 }, (_, index) => offset + round * 8 + index + 1);
  return [positions, positions.map(() => `fax-${offset}-${round}`), positions.map((_, index) => index), positions.map((p) => JSON.stringify({ faxId: `fax-${round}`, page: p % 20, resolution: '204x196' })), positions.map((p) => JSON.stringify({ correlationId: `c-${p}` }))];
};

function nodePostgres(url: string, offset: number): Client {
  const pool = new pg.Pool({ connectionString: url, max: 4, types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === 20 ? Number : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser } });
  return {
    name: 'pg',
    async append(round) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(insert, rows(round, offset));
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    },
    pointRead: (stream) => pool.query('SELECT revision FROM bench_events WHERE stream = $1 ORDER BY revision DESC LIMIT 1', [stream]),
    page: async (after) => (await pool.query('SELECT position, stream, revision, data, metadata, created FROM bench_events WHERE position > $1 ORDER BY position LIMIT $2', [after, PAGE])).rowCount ?? 0,
    end: () => pool.end(),
  };
}

function porsager(url: string, offset: number): Client {
  const sql = postgres(url, { max: 4, types: { bigint: postgres.BigInt }, onnotice: () => undefined });
  return {
    name: 'postgres',
    async append(round) {
      await sql.begin(async (tx) => {
        await tx.unsafe(insert, rows(round, offset) as never[]);
      });
    },
    pointRead: (stream) => sql`SELECT revision FROM bench_events WHERE stream = ${stream} ORDER BY revision DESC LIMIT 1`,
    page: async (after) => (await sql`SELECT position, stream, revision, data, metadata, created FROM bench_events WHERE position > ${after} ORDER BY position LIMIT ${PAGE}`).length,
    end: () => sql.end(),
  };
}

async function rate(count: number, work: (index: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let index = 0; index < count; index++) await work(index);
  return Math.round(count / ((performance.now() - started) / 1000));
}

const database = await createTestDatabase();
try {
  const setup = new pg.Client({ connectionString: database.url });
  await setup.connect();
  await setup.query(schema);
  await setup.end();
  // Each client writes its own position range, so both read the same table size.
  for (const [index, make] of [nodePostgres, porsager].entries()) {
    const client = make(database.url, index * APPENDS * 8);
    try {
      const appendsPerSec = await rate(APPENDS, (round) => client.append(round));
      const pointReadsPerSec = await rate(POINT_READS, (index) => client.pointRead(`fax-${index % APPENDS}`));
      let read = 0;
      const started = performance.now();
      for (let page = 0; page < PAGES; page++) read += await client.page(page * PAGE);
      const pageRowsPerSec = Math.round(read / ((performance.now() - started) / 1000));
      console.log(JSON.stringify({ client: client.name, appendsPerSec, pointReadsPerSec, pageRowsPerSec }));
    } finally {
      await client.end();
    }
  }
} finally {
  await database.drop();
}
