import type pg from 'pg';
import type { Clock } from '../../../ports/clock.js';
import { EventStoreUnavailableError, WrongExpectedRevisionError, type AppendResult, type ExpectedRevision, type NewEvent } from '../../../ports/eventStore.js';
import { expectedRevisionMatches } from '../expectedRevision.js';
import { uuidV7 } from '../sqlite/uuidV7.js';

type AppendRequest = {
  stream: string;
  events: readonly NewEvent[];
  expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
};

export interface PostgresWriteQueue {
  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /** Resolves once every append requested so far has been written or refused. */
  drained(): Promise<void>;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Group commit for PostgreSQL: the appends requested while the previous group was being written
 * share one transaction (one WAL flush for many appends). Each group first locks the `event_head`
 * row, which serialises writers across every instance, so positions are given out without gaps in
 * commit order, and an expected revision checked under that lock cannot be raced. An append whose
 * expected revision does not hold is refused alone; the others in its group are written.
 */
export function createPostgresWriteQueue(pool: pg.Pool, clock: Clock, onCommitted: () => void): PostgresWriteQueue {
  let queue: AppendRequest[] = [];
  let writing: Promise<void> | undefined;

  async function drain(): Promise<void> {
    // Let the appends of this turn of the event loop join the first group.
    await new Promise((resolve) => setImmediate(resolve));
    while (queue.length > 0) {
      const group = queue;
      queue = [];
      await writeGroup(group);
    }
    writing = undefined;
  }

  async function writeGroup(group: AppendRequest[]): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      for (const request of group) request.reject(unavailable(error));
      return;
    }
    let broken: Error | undefined;
    try {
      const outcomes = await writeInTransaction(client, group);
      onCommitted();
      outcomes.forEach((outcome, index) => ('error' in outcome ? group[index]!.reject(outcome.error) : group[index]!.resolve(outcome.result)));
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      if (isDuplicateEventId(error) && group.length > 1) {
        // Which append carried the stored id is not known: write each alone, so only that one fails.
        client.release(broken);
        for (const request of group) await writeGroup([request]);
        return;
      }
      const refusal = isDuplicateEventId(error) ? new Error(`an event id of this append is already stored: ${(error as Error).message}`, { cause: error }) : unavailable(error);
      for (const request of group) request.reject(refusal);
    }
    client.release(broken);
  }

  async function writeInTransaction(client: pg.PoolClient, group: AppendRequest[]): Promise<Array<{ result: AppendResult } | { error: Error }>> {
    await client.query('BEGIN');
    const head = (await client.query<{ position: number }>('SELECT position FROM event_head FOR UPDATE')).rows[0]!.position;
    const streams = [...new Set(group.map((request) => request.stream))];
    const current = new Map(
      (await client.query<{ stream: string; revision: number }>('SELECT stream, max(revision) AS revision FROM events WHERE stream = ANY($1::text[]) GROUP BY stream', [streams])).rows.map((row) => [row.stream, row.revision]),
    );
    const columns = { positions: [] as number[], ids: [] as string[], streams: [] as string[], revisions: [] as number[], types: [] as string[], data: [] as string[], metadata: [] as string[] };
    let position = head;
    const outcomes = group.map((request) => {
      const actual = current.get(request.stream);
      if (!expectedRevisionMatches(request.expected, actual)) return { error: new WrongExpectedRevisionError(request.stream, request.expected, actual) };
      const badId = request.events.find((event) => event.id !== undefined && !uuidPattern.test(event.id));
      if (badId) return { error: new Error(`event id ${JSON.stringify(badId.id)} is not a UUID`) };
      let revision = actual ?? -1;
      for (const event of request.events) {
        revision += 1;
        position += 1;
        columns.positions.push(position);
        columns.ids.push(event.id ?? uuidV7());
        columns.streams.push(request.stream);
        columns.revisions.push(revision);
        columns.types.push(event.type);
        columns.data.push(JSON.stringify(event.data ?? null));
        columns.metadata.push(JSON.stringify(event.metadata ?? {}));
      }
      if (request.events.length > 0) current.set(request.stream, revision);
      return { result: { nextExpectedRevision: revision, position } };
    });
    if (position > head) {
      await client.query(
        `INSERT INTO events (position, id, stream, revision, type, data, metadata, created)
         SELECT p, i::uuid, s, r, t, d::json, m::json, $8::timestamptz
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[]) AS u(p, i, s, r, t, d, m)`,
        [columns.positions, columns.ids, columns.streams, columns.revisions, columns.types, columns.data, columns.metadata, clock.now().toISOString()],
      );
      await client.query('UPDATE event_head SET position = $1', [position]);
      await client.query("SELECT pg_notify('faxengine_events', $1)", [String(position)]);
    }
    await client.query('COMMIT');
    return outcomes;
  }

  return {
    append(stream, events, expected) {
      return new Promise<AppendResult>((resolve, reject) => {
        queue.push({ stream, events, expected, resolve, reject });
        writing ??= drain();
      });
    },
    async drained() {
      while (writing) await writing;
    },
  };
}

function isDuplicateEventId(error: unknown): boolean {
  const { code, constraint } = error as { code?: string; constraint?: string };
  return code === '23505' && constraint === 'events_id_key';
}

function unavailable(error: unknown): EventStoreUnavailableError {
  return error instanceof EventStoreUnavailableError ? error : new EventStoreUnavailableError(`PostgreSQL event store write failed: ${(error as Error).message}`, { cause: error });
}
