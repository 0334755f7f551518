import Database from 'better-sqlite3';
import { systemClock, type Clock } from '../../../ports/clock.js';
import {
  EventStoreUnavailableError,
  type EventStore,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
} from '../../../ports/eventStore.js';
import { startBackgroundCheckpointer, wakeBackgroundCheckpointer } from '../../sqlite/backgroundCheckpointer.js';
import { startTrackedPullSubscription } from '../pullSubscription.js';
import { createAppendSignal } from './appendSignal.js';
import { prepareDatabase, type SynchronousMode } from './schema.js';
import { createRecentEvents, type EventRow } from './recentEvents.js';
import { createSqliteLeases } from './sqliteLeases.js';
import { createWalSync } from './walSync.js';
import { createWriteQueue } from './writeQueue.js';

export interface SqliteEventStoreOptions {
  /** Database file; created if missing. */
  path: string;
  clock?: Clock;
  /**
   * `full` (default): an acknowledged append survives a power cut (the WAL is fsynced off the
   * event loop before the append resolves); `normal`: it survives a process crash only.
   */
  synchronous?: SynchronousMode;
  /** How often a waiting subscription looks for commits made by other processes. */
  pollIntervalMs?: number;
  /** The newest events kept in memory for subscriptions and stream reads. Default 8,192. */
  recentEvents?: number;
}

const COLUMNS = 'position, id, stream, revision, type, data, metadata, created';
const DATA_COLUMNS = 'position, stream, revision, type, data, created';
type DataRow = [position: number, stream: string, revision: number, type: string, data: string, created: string];
const MAX_PAGE = 100_000;

/** The embedded event store: one SQLite file in WAL mode, group commit, in-process live subscriptions. */
export function createSqliteEventStore(options: SqliteEventStoreOptions): EventStore {
  let db: Database.Database;
  try {
    db = new Database(options.path);
    // Commits never fsync on the event loop; `full` durability comes from walSync below.
    prepareDatabase(db);
  } catch (error) {
    throw new EventStoreUnavailableError(`cannot open SQLite event store ${options.path}: ${(error as Error).message}`, { cause: error });
  }

  const checkpointer = startBackgroundCheckpointer(db, options.path);
  /**
   * The log's last position for the live subscriptions' reads, without a SELECT and a read
   * transaction per subscriber per append (with eight subscribers, most of the read transactions a
   * fax cost). Our commit is the newest when it is made, so it sets it; a commit by another process
   * unsets it (the append signal notices, then wakes the subscribers, who read it again). A
   * subscriber that reads it a moment before that notice only stops short of the other's events
   * and is woken for them.
   */
  let knownHead: number | undefined;
  const headForSubscriptions = () => (knownHead ??= statements.head.get() ?? 0);
  const signal = createAppendSignal(db, options.pollIntervalMs ?? 50, `${options.path}-wal`, undefined, () => (knownHead = undefined));
  const walSync = (options.synchronous ?? 'full') === 'full' ? createWalSync(`${options.path}-wal`) : undefined;
  const recent = createRecentEvents(options.recentEvents ?? 8192, toRecorded);
  // Every write of the process follows an append (projections, reactors' checkpoints): an append
  // wakes the checkpoint worker, which ends itself when nothing has been written for a while.
  const onAcknowledged = () => {
    signal.notify();
    wakeBackgroundCheckpointer();
  };
  const onRowsCommitted = (rows: EventRow[]) => {
    recent.add(rows);
    if (rows.length > 0) knownHead = rows[rows.length - 1]![0];
  };
  const writes = createWriteQueue(db, options.clock ?? systemClock, { onRowsCommitted, onAcknowledged }, walSync);
  const subscriptions = new Set<{ stop(): Promise<void> }>();
  const leases = createSqliteLeases(`${options.path}-leases`, options.clock ?? systemClock);
  let closed = false;

  const statements = {
    forwards: db.prepare<[string, number, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`).raw(),
    backwards: db.prepare<[string, number, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`).raw(),
    revision: db.prepare<[string], number>('SELECT revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1').pluck(),
    head: db.prepare<[], number | null>('SELECT max(position) FROM events').pluck(),
    checkpoint: db.prepare<[string], number>('SELECT position FROM checkpoints WHERE name = ?').pluck(),
  };
  const readAllStatements = new Map<string, Database.Statement<unknown[], unknown[]>>();

  function readAllStatement(columns: string, prefixCount: number): Database.Statement<unknown[], unknown[]> {
    const key = `${columns}|${prefixCount}`;
    let statement = readAllStatements.get(key);
    if (!statement) {
      const filter = Array.from({ length: prefixCount }, () => 'substr(stream, 1, ?) = ?').join(' OR ');
      statement = db
        .prepare<unknown[], unknown[]>(`SELECT ${columns} FROM events WHERE position > ?${prefixCount ? ` AND (${filter})` : ''} ORDER BY position LIMIT ?`)
        .raw();
      readAllStatements.set(key, statement);
    }
    return statement;
  }

  function readAllRows(columns: string, after: number, maxCount: number, prefixes: readonly string[]): unknown[][] {
    const args: unknown[] = [after];
    for (const prefix of prefixes) args.push(prefix.length, prefix);
    args.push(maxCount);
    return readAllStatement(columns, prefixes.length).all(...args);
  }

  function readAllNow(after: number, maxCount: number, prefixes: readonly string[]): RecordedEvent[] {
    return (readAllRows(COLUMNS, after, maxCount, prefixes) as EventRow[]).map(toRecorded);
  }

  // One read transaction, so the head and the page come from the same snapshot.
  const readPageAndHead = db.transaction((after: number, maxCount: number, prefixes: readonly string[]) => ({
    events: readAllNow(after, maxCount, prefixes),
    coveredUpTo: statements.head.get() ?? 0,
  }));

  /**
   * A subscription's next page: from memory when the log's tail there is complete up to the head
   * (one statement, no transaction), and only up to our first commit not yet known durable, so no
   * subscriber acts on an event a power cut could still take back (the acknowledgement wakes them).
   */
  function readPageWithHead(after: number, maxCount: number, prefixes: readonly string[]): { events: RecordedEvent[]; coveredUpTo: number } {
    const head = headForSubscriptions();
    const remembered = recent.page(after, maxCount, prefixes, head);
    const page = remembered ? { events: remembered, coveredUpTo: head } : readPageAndHead(after, maxCount, prefixes);
    const pending = writes.firstUnacknowledged();
    if (pending === undefined || pending > page.coveredUpTo) return page;
    const durable = pending - 1;
    return { events: page.events.filter((event) => event.position <= durable), coveredUpTo: Math.max(after, durable) };
  }

  function ensureOpen(): void {
    if (closed) throw new EventStoreUnavailableError('the event store is closed');
  }

  return {
    // Every append goes through the one group-commit queue, in call order.
    appendsInCallOrder: true,
    async append(stream, events, expected = 'any') {
      ensureOpen();
      return writes.append(stream, events, expected);
    },

    async readStream(stream, readOptions: ReadStreamOptions = {}) {
      ensureOpen();
      const maxCount = clampCount(readOptions.maxCount);
      if (readOptions.direction === 'backwards') {
        return statements.backwards.all(stream, readOptions.fromRevision ?? Number.MAX_SAFE_INTEGER, maxCount).map(toRecorded);
      }
      if (!readOptions.fromRevision && maxCount === MAX_PAGE) {
        const remembered = recent.stream(stream, statements.head.get() ?? 0);
        if (remembered && remembered.length < MAX_PAGE) return remembered;
      }
      return statements.forwards.all(stream, readOptions.fromRevision ?? 0, maxCount).map(toRecorded);
    },

    async streamRevision(stream) {
      ensureOpen();
      return statements.revision.get(stream);
    },

    async readAll(readOptions: ReadAllOptions = {}) {
      ensureOpen();
      return readAllNow(readOptions.after ?? 0, clampCount(readOptions.maxCount), readOptions.streamPrefixes ?? []);
    },

    async readAllData(readOptions: ReadAllOptions = {}) {
      ensureOpen();
      // Less time than readAll in a rebuild: two fewer columns read, no metadata parsed.
      const rows = readAllRows(DATA_COLUMNS, readOptions.after ?? 0, clampCount(readOptions.maxCount), readOptions.streamPrefixes ?? []) as DataRow[];
      return rows.map((row) => ({ position: row[0], stream: row[1], revision: row[2], type: row[3], data: JSON.parse(row[4]) as unknown, created: row[5] }));
    },

    subscribeToAll(subscribeOptions) {
      ensureOpen();
      const prefixes = subscribeOptions.streamPrefixes ?? [];
      return startTrackedPullSubscription(
        subscriptions,
        {
          readPage: async (after, maxCount) => {
            ensureOpen();
            return readPageWithHead(after, maxCount, prefixes);
          },
          appendCount: signal.count,
          waitForAppend: signal.next,
        },
        subscribeOptions,
      );
    },

    leases,

    checkpoints: {
      async load(name) {
        ensureOpen();
        return statements.checkpoint.get(name);
      },
      async save(name, position) {
        ensureOpen();
        return writes.saveCheckpoint(name, position);
      },
    },

    async ping() {
      ensureOpen();
      try {
        db.prepare('SELECT 1').get();
      } catch (error) {
        throw new EventStoreUnavailableError(`SQLite event store unreachable: ${(error as Error).message}`, { cause: error });
      }
    },

    async close() {
      if (closed) return;
      writes.flush();
      await walSync?.drain();
      await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
      closed = true;
      signal.close();
      await checkpointer.stop();
      walSync?.close();
      leases.close();
      db.close();
    },
  };
}

function clampCount(maxCount: number | undefined): number {
  return Math.max(0, Math.min(maxCount ?? MAX_PAGE, MAX_PAGE));
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    position: row[0],
    id: row[1],
    stream: row[2],
    revision: row[3],
    type: row[4],
    data: JSON.parse(row[5]),
    metadata: JSON.parse(row[6]),
    created: row[7],
  };
}
