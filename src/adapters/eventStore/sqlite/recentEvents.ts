import type { RecordedEvent } from '../../../ports/eventStore.js';

/** An events row as stored (data and metadata still JSON text). */
export type EventRow = [position: number, id: string, stream: string, revision: number, type: string, data: string, metadata: string, created: string];

export interface RecentEvents {
  /** Remembers rows our connection has just committed, in position order. */
  add(rows: readonly EventRow[]): void;
  /**
   * The page of matching events after `after`, from memory, when memory holds every event from
   * `after + 1` up to `head` (the store's last position); otherwise undefined (read SQLite).
   */
  page(after: number, maxCount: number, prefixes: readonly string[], head: number): RecordedEvent[] | undefined;
  /** Every event of `stream` from memory, when memory holds all of them up to `head`; otherwise undefined. */
  stream(stream: string, head: number): RecordedEvent[] | undefined;
}

/**
 * The tail of the log, kept in memory for the live subscriptions of this process. Every
 * projection, reactor and notifier follows the log; without this, each of them re-read every new
 * event from SQLite and parsed its JSON again: over a tenth of the server's CPU under load. An event is
 * parsed once, on first delivery, and the same frozen object goes to every subscriber (frozen, so
 * a handler that tried to change an event another handler also sees fails loudly instead).
 *
 * Only commits made through this connection are added. When another process has written to the
 * file (our next commit does not follow on from the last position we hold, or `head` is past it),
 * the memory is not trusted and the read goes to SQLite.
 */
export function createRecentEvents(capacity = 8192, toRecorded: (row: EventRow) => RecordedEvent): RecentEvents {
  let rows: EventRow[] = [];
  let parsed: Array<RecordedEvent | undefined> = [];
  /** Row indexes of each stream that starts (revision 0) within memory. */
  let streams = new Map<string, number[]>();
  const firstPosition = () => rows[0]![0];
  const lastPosition = () => rows[rows.length - 1]![0];
  const indexRow = (row: EventRow, at: number) => {
    const known = streams.get(row[2]);
    if (known) known.push(at);
    else if (row[3] === 0) streams.set(row[2], [at]);
  };
  const event = (at: number) => (parsed[at] ??= deepFreeze(toRecorded(rows[at]!)));

  return {
    add(committed) {
      if (committed.length === 0) return;
      if (rows.length > 0 && committed[0]![0] !== lastPosition() + 1) {
        rows = [];
        parsed = [];
        streams = new Map();
      }
      for (const row of committed) indexRow(row, rows.push(row) - 1);
      if (rows.length > capacity) {
        // Drop the older half at once rather than shifting one row per commit.
        const drop = rows.length - capacity / 2;
        rows = rows.slice(drop);
        parsed = parsed.slice(drop);
        streams = new Map();
        rows.forEach(indexRow);
      }
    },

    page(after, maxCount, prefixes, head) {
      if (rows.length === 0 || head !== lastPosition() || after + 1 < firstPosition()) return undefined;
      const events: RecordedEvent[] = [];
      for (let index = Math.max(0, after + 1 - firstPosition()); index < rows.length && events.length < maxCount; index++) {
        const row = rows[index]!;
        if (prefixes.length > 0 && !prefixes.some((prefix) => row[2].startsWith(prefix))) continue;
        events.push(event(index));
      }
      return events;
    },

    stream(stream, head) {
      if (rows.length === 0 || head !== lastPosition()) return undefined;
      return streams.get(stream)?.map(event);
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
