import { uuidV7 } from './uuidV7.js';
import type Database from 'better-sqlite3';
import type { Clock } from '../../../ports/clock.js';
import {
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
  type AppendResult,
  type ExpectedRevision,
  type NewEvent,
} from '../../../ports/eventStore.js';

type Settle<T> = { resolve: (value: T) => void; reject: (error: unknown) => void };
type AppendRequest = Settle<AppendResult> & { kind: 'append'; stream: string; events: readonly NewEvent[]; expected: ExpectedRevision };
type CheckpointRequest = Settle<void> & { kind: 'checkpoint'; name: string; position: number };
type WriteRequest = AppendRequest | CheckpointRequest;

export interface WriteQueue {
  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  saveCheckpoint(name: string, position: number): Promise<void>;
  /** Writes whatever is queued now (used before closing). */
  flush(): void;
}

/**
 * Group commit: every write requested in the same turn of the event loop shares one SQLite
 * transaction, so one WAL fsync covers many appends. Each append runs in its own savepoint, so a
 * stale expected revision (or any other failure) rejects that append alone and writes none of its
 * events, while the others in the group commit.
 */
export function createWriteQueue(db: Database.Database, clock: Clock, onCommitted: () => void): WriteQueue {
  let queue: WriteRequest[] = [];
  let scheduled = false;

  const currentRevision = db.prepare<[string], number>('SELECT revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1').pluck();
  const insertEvent = db.prepare('INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const upsertCheckpoint = db.prepare(
    'INSERT INTO checkpoints (name, position, updated) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated = excluded.updated',
  );

  const appendOne = db.transaction((request: AppendRequest, created: string): AppendResult => {
    const actual = currentRevision.get(request.stream);
    if (!matches(request.expected, actual)) throw new WrongExpectedRevisionError(request.stream, request.expected, actual);
    let revision = actual ?? -1;
    let position = 0;
    for (const event of request.events) {
      revision += 1;
      const id = event.id ?? uuidV7();
      try {
        const info = insertEvent.run(id, request.stream, revision, event.type, JSON.stringify(event.data ?? null), JSON.stringify(event.metadata ?? {}), created);
        position = Number(info.lastInsertRowid);
      } catch (error) {
        if (isUniqueViolation(error, 'events.id')) throw new Error(`event id ${id} is already stored`, { cause: error });
        throw error;
      }
    }
    return { nextExpectedRevision: revision, position };
  });

  type Outcome = { ok: true; value: AppendResult | undefined } | { ok: false; error: unknown };
  const writeGroup = db.transaction((requests: WriteRequest[], created: string): Outcome[] =>
    requests.map((request): Outcome => {
      if (request.kind === 'checkpoint') {
        upsertCheckpoint.run(request.name, request.position, created);
        return { ok: true, value: undefined };
      }
      try {
        return { ok: true, value: appendOne(request, created) };
      } catch (error) {
        return { ok: false, error };
      }
    }),
  );

  function flush(): void {
    scheduled = false;
    const group = queue;
    queue = [];
    if (group.length === 0) return;
    let outcomes: Outcome[];
    try {
      // IMMEDIATE takes the write lock up front: a deferred transaction that reads first cannot wait
      // for another process's lock (SQLITE_BUSY without the busy handler) when it upgrades.
      outcomes = writeGroup.immediate(group, clock.now().toISOString());
    } catch (error) {
      const unavailable = new EventStoreUnavailableError(`event store write failed: ${(error as Error).message}`, { cause: error });
      for (const request of group) request.reject(unavailable);
      return;
    }
    outcomes.forEach((outcome, index) => {
      const request = group[index]!;
      if (!outcome.ok) request.reject(outcome.error);
      else if (request.kind === 'append') request.resolve(outcome.value!);
      else request.resolve();
    });
    onCommitted();
  }

  function enqueue<T>(build: (settle: Settle<T>) => WriteRequest): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push(build({ resolve, reject }));
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  }

  return {
    append: (stream, events, expected) =>
      enqueue<AppendResult>((settle) => ({ kind: 'append', stream, events, expected, ...settle })),
    saveCheckpoint: (name, position) => enqueue<void>((settle) => ({ kind: 'checkpoint', name, position, ...settle })),
    flush,
  };
}

function matches(expected: ExpectedRevision, actual: number | undefined): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === undefined;
    case 'stream_exists':
      return actual !== undefined;
    default:
      return actual === expected;
  }
}

function isUniqueViolation(error: unknown, column: string): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof message === 'string' && message.includes(column);
}
