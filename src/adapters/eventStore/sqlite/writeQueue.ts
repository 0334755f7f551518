import { uuidV7 } from './uuidV7.js';
import { expectedRevisionMatches } from '../expectedRevision.js';
import type Database from 'better-sqlite3';
import type { Clock } from '../../../ports/clock.js';
import type { EventRow } from './recentEvents.js';
import type { WalSync } from './walSync.js';
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

export interface WriteQueueHooks {
  /** Rows just committed by a group, in position order (before they are durable). */
  onRowsCommitted(rows: EventRow[]): void;
  /** After a group is acknowledged. */
  onAcknowledged(): void;
}

export interface WriteQueue {
  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  saveCheckpoint(name: string, position: number): Promise<void>;
  /** Writes whatever is queued now (used before closing). */
  flush(): void;
  /** The first position committed but not yet acknowledged (not known durable), if any. */
  firstUnacknowledged(): number | undefined;
}

/**
 * Group commit: every write requested in the same turn of the event loop shares one SQLite
 * transaction, so one WAL fsync covers many appends (a group of checkpoints alone is not
 * fsynced). Each append runs in its own savepoint, so a stale expected revision (or any other
 * failure) rejects that append alone and writes none of its events, while the others in the
 * group commit.
 */
export function createWriteQueue(db: Database.Database, clock: Clock, hooks: WriteQueueHooks, walSync?: WalSync): WriteQueue {
  let queue: WriteRequest[] = [];
  let scheduled = false;
  /** First positions of the groups committed and not yet acknowledged, oldest first. */
  const unacknowledged: number[] = [];

  const currentRevision = db.prepare<[string], number>('SELECT revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1').pluck();
  const insertEvent = db.prepare('INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const upsertCheckpoint = db.prepare(
    'INSERT INTO checkpoints (name, position, updated) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated = excluded.updated',
  );

  /** Rows of the appends that succeeded in the group being written. */
  let groupRows: EventRow[] = [];
  const appendOne = db.transaction((request: AppendRequest, created: string): AppendResult => {
    const actual = currentRevision.get(request.stream);
    if (!expectedRevisionMatches(request.expected, actual)) throw new WrongExpectedRevisionError(request.stream, request.expected, actual);
    let revision = actual ?? -1;
    let position = 0;
    const rows: EventRow[] = [];
    for (const event of request.events) {
      revision += 1;
      const id = event.id ?? uuidV7();
      const data = JSON.stringify(event.data ?? null);
      const metadata = JSON.stringify(event.metadata ?? {});
      try {
        position = Number(insertEvent.run(id, request.stream, revision, event.type, data, metadata, created).lastInsertRowid);
      } catch (error) {
        if (isUniqueViolation(error, 'events.id')) throw new Error(`event id ${id} is already stored`, { cause: error });
        throw error;
      }
      rows.push([position, id, request.stream, revision, event.type, data, metadata, created]);
    }
    // Last, so a failed append (its savepoint rolled back) leaves no rows behind.
    for (const row of rows) groupRows.push(row);
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
    groupRows = [];
    try {
      // IMMEDIATE takes the write lock up front: a deferred transaction that reads first cannot wait
      // for another process's lock (SQLITE_BUSY without the busy handler) when it upgrades.
      outcomes = writeGroup.immediate(group, clock.now().toISOString());
    } catch (error) {
      const unavailable = new EventStoreUnavailableError(`event store write failed: ${(error as Error).message}`, { cause: error });
      for (const request of group) request.reject(unavailable);
      return;
    }
    hooks.onRowsCommitted(groupRows);
    const first = groupRows[0]?.[0];
    if (first !== undefined) unacknowledged.push(first);
    const acknowledge = (syncError?: Error) => {
      if (first !== undefined) unacknowledged.shift();
      outcomes.forEach((outcome, index) => {
        const request = group[index]!;
        if (!outcome.ok) request.reject(outcome.error);
        else if (syncError) request.reject(new EventStoreUnavailableError(`event store fsync failed (the write may not survive a power cut): ${syncError.message}`, { cause: syncError }));
        else if (request.kind === 'append') request.resolve(outcome.value!);
        else request.resolve();
      });
      hooks.onAcknowledged();
    };
    // A group that stored no event (checkpoints only, or appends that all failed) is not waited on
    // for an fsync. More than half the groups of a busy server are reactors' checkpoints alone: each
    // was an fsync, and its reactor waited for it before taking the next event. One that a power
    // cut takes back only makes its reactor handle those events again, as after a kill between an
    // event and its checkpoint; the next group's fsync makes it durable with that group's frames.
    if (walSync && groupRows.length > 0) walSync.afterCommit(acknowledge);
    else acknowledge();
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
    firstUnacknowledged: () => unacknowledged[0],
  };
}

function isUniqueViolation(error: unknown, column: string): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof message === 'string' && message.includes(column);
}
