import pg from 'pg';
import { systemClock, type Clock } from '../../../ports/clock.js';
import {
  EventStoreUnavailableError,
  type EventData,
  type EventStore,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
} from '../../../ports/eventStore.js';
import { startTrackedPullSubscription } from '../pullSubscription.js';
import { createPostgresAppendSignal } from './postgresAppendSignal.js';
import { createPostgresLeases } from './postgresLeases.js';
import { migrateEventStoreSchema } from './postgresSchema.js';
import { createPostgresWriteQueue } from './postgresWriteQueue.js';

export interface PostgresEventStoreOptions {
  /** `postgres://user:password@host:port/database` (libpq-style parameters such as `sslmode` and `options` work). */
  connectionString: string;
  clock?: Clock;
  /** Connections for reads and appends (the LISTEN connection is one more). */
  poolSize?: number;
  /** Connection problems of idle connections (the pool replaces them); logged by the caller. */
  onConnectionError?: (error: Error) => void;
}

const MAX_PAGE = 100_000;
const COLUMNS = 'position, id, stream, revision, type, data, metadata, created';
const DATA_COLUMNS = 'position, stream, revision, type, data, created';

interface EventRow {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: unknown;
  metadata: RecordedEvent['metadata'];
  created: Date;
}

// bigint positions as numbers: exact up to 2^53, far beyond any fax history.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser,
};

/**
 * The event store in PostgreSQL, for several faxengine instances sharing one history. Appends go
 * through a group-commit queue that serialises writers on one row (see postgresSchema.ts), so the
 * global order is the commit order and a follower never skips a late commit; subscriptions pull
 * pages after their position and are woken by LISTEN/NOTIFY; checkpoints live beside the events.
 */
export async function createPostgresEventStore(options: PostgresEventStoreOptions): Promise<EventStore> {
  const config: pg.PoolConfig = { connectionString: options.connectionString, types, max: options.poolSize ?? 8, application_name: 'faxengine' };
  const pool = new pg.Pool(config);
  const onConnectionError = options.onConnectionError ?? (() => undefined);
  // An idle connection that breaks must not crash the process: the pool opens another.
  pool.on('error', onConnectionError);
  try {
    const client = await pool.connect();
    try {
      await migrateEventStoreSchema(client);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new EventStoreUnavailableError(`cannot open PostgreSQL event store: ${(error as Error).message}`, { cause: error });
  }

  const signal = createPostgresAppendSignal({ connectionString: options.connectionString, types, application_name: 'faxengine-listen' }, onConnectionError);
  const writes = createPostgresWriteQueue(pool, options.clock ?? systemClock, signal.notify);
  const subscriptions = new Set<{ stop(): Promise<void> }>();
  let closed = false;

  const ensureOpen = () => {
    if (closed) throw new EventStoreUnavailableError('the event store is closed');
  };
  const query = async <Row extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<Row[]> => {
    ensureOpen();
    try {
      return (await pool.query<Row>(text, values)).rows;
    } catch (error) {
      throw new EventStoreUnavailableError(`PostgreSQL event store read failed: ${(error as Error).message}`, { cause: error });
    }
  };
  const prefixFilter = 'AND (cardinality($3::text[]) = 0 OR EXISTS (SELECT 1 FROM unnest($3::text[]) AS p(prefix) WHERE starts_with(stream, p.prefix)))';
  const readAllRows = <Row extends pg.QueryResultRow>(columns: string, readOptions: ReadAllOptions) =>
    query<Row>(`SELECT ${columns} FROM events WHERE position > $1 ${prefixFilter} ORDER BY position LIMIT $2`, [
      readOptions.after ?? 0,
      clampCount(readOptions.maxCount),
      readOptions.streamPrefixes ?? [],
    ]);

  return {
    // One queue per process, written group after group: appends apply in the order they were called.
    appendsInCallOrder: true,
    async append(stream, events, expected = 'any') {
      ensureOpen();
      return writes.append(stream, events, expected);
    },

    async readStream(stream, readOptions: ReadStreamOptions = {}) {
      const backwards = readOptions.direction === 'backwards';
      const rows = await query<EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE stream = $1 AND revision ${backwards ? '<=' : '>='} $2 ORDER BY revision ${backwards ? 'DESC' : ''} LIMIT $3`,
        [stream, readOptions.fromRevision ?? (backwards ? 2 ** 31 - 1 : 0), clampCount(readOptions.maxCount)],
      );
      return rows.map(toRecorded);
    },

    async streamRevision(stream) {
      const rows = await query<{ revision: number }>('SELECT revision FROM events WHERE stream = $1 ORDER BY revision DESC LIMIT 1', [stream]);
      return rows[0]?.revision;
    },

    async readAll(readOptions: ReadAllOptions = {}) {
      return (await readAllRows<EventRow>(COLUMNS, readOptions)).map(toRecorded);
    },

    async readAllData(readOptions: ReadAllOptions = {}): Promise<EventData[]> {
      const rows = await readAllRows<Omit<EventRow, 'id' | 'metadata'>>(DATA_COLUMNS, readOptions);
      return rows.map((row) => ({ position: row.position, stream: row.stream, revision: row.revision, type: row.type, data: row.data, created: row.created.toISOString() }));
    },

    subscribeToAll(subscribeOptions) {
      ensureOpen();
      const prefixes = subscribeOptions.streamPrefixes ?? [];
      return startTrackedPullSubscription(
        subscriptions,
        {
          async readPage(after, maxCount) {
            // One statement, one snapshot: the head and the page agree, so `coveredUpTo` never passes
            // an event not yet read. (No `position <= head` bound: every event a snapshot sees is
            // below the head it sees, and the bound made PostgreSQL, before it had statistics of a
            // freshly filled table, sort the whole rest of the log for every page.)
            const rows = await query<(EventRow & { head: null }) | (Record<keyof EventRow, null> & { head: number })>(
              `(SELECT ${COLUMNS}, NULL::bigint AS head FROM events WHERE position > $1 ${prefixFilter} ORDER BY position LIMIT $2)
               UNION ALL SELECT ${COLUMNS.replace(/\w+/g, 'NULL')}, position FROM event_head`,
              [after, maxCount, prefixes],
            );
            const head = rows.at(-1)!.head ?? after;
            return { events: (rows.slice(0, -1) as EventRow[]).map(toRecorded), coveredUpTo: Math.max(head, after) };
          },
          appendCount: signal.count,
          waitForAppend: signal.next,
        },
        subscribeOptions,
      );
    },

    leases: createPostgresLeases(query),

    checkpoints: {
      async load(name) {
        const rows = await query<{ position: number }>('SELECT position FROM event_checkpoints WHERE name = $1', [name]);
        return rows[0]?.position;
      },
      async save(name, position) {
        await query(
          'INSERT INTO event_checkpoints (name, position, updated) VALUES ($1, $2, now()) ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated = excluded.updated',
          [name, position],
        );
      },
    },

    async ping() {
      await query('SELECT 1', []);
    },

    async close() {
      if (closed) return;
      await writes.drained();
      await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
      closed = true;
      await signal.close();
      await pool.end();
    },
  };
}

function clampCount(maxCount: number | undefined): number {
  return Math.max(0, Math.min(maxCount ?? MAX_PAGE, MAX_PAGE));
}

function toRecorded(row: EventRow): RecordedEvent {
  return { position: row.position, id: row.id, stream: row.stream, revision: row.revision, type: row.type, data: row.data, metadata: row.metadata, created: row.created.toISOString() };
}
