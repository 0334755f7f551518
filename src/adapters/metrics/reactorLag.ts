import type { MetricLabels } from '../../ports/metrics.js';

/** Past this many unprocessed appends a reactor's backlog is not tracked further (its lag reads at least this). */
const MAX_TRACKED = 100_000;
/**
 * Appends tracked before the processed ones are dropped on the next append, not only when the gauge
 * is read: a server nobody scrapes kept up to MAX_TRACKED entries per reactor (~7 MB each, ~50 MB for seven).
 */
const DROP_EVERY = 1024;

interface Tracked {
  prefixes: readonly string[];
  position: () => number;
  /**
   * Positions of appends to its streams not yet known to be processed, oldest first, and their
   * event counts: two arrays of numbers, not a pair per append, which each append of each reactor
   * would allocate.
   */
  positions: number[];
  counts: number[];
  head: number;
  size: number;
}

export interface ReactorLag {
  /** Follows a reactor: its streams, and where it has got to (its checkpoint or subscription position). */
  track(name: string, prefixes: readonly string[], position: () => number): void;
  /** An append of `events` events to `stream` ended at `position`. */
  appended(stream: string, events: number, position: number): void;
  /** The reactors' lags, for the gauge. */
  read(): Iterable<readonly [MetricLabels, number]>;
}

/**
 * How many events each reactor is behind: appends to its streams since this process started
 * whose position is past the reactor's. Counted from appends, not from positions, because
 * positions are not event counts (KurrentDB's are log offsets) and a reactor following `fax-`
 * streams must not look behind because of a `tenant-` event.
 */
export function createReactorLag(): ReactorLag {
  const reactors = new Map<string, Tracked>();
  const drop = (tracked: Tracked) => {
    const position = tracked.position();
    while (tracked.head < tracked.positions.length && tracked.positions[tracked.head]! <= position) {
      tracked.size -= tracked.counts[tracked.head]!;
      tracked.head += 1;
    }
    // Compacted now and then rather than shifted per entry.
    if (tracked.head > 1024 && tracked.head * 2 > tracked.positions.length) {
      tracked.positions = tracked.positions.slice(tracked.head);
      tracked.counts = tracked.counts.slice(tracked.head);
      tracked.head = 0;
    }
  };
  return {
    track(name, prefixes, position) {
      reactors.set(name, { prefixes, position, positions: [], counts: [], head: 0, size: 0 });
    },
    appended(stream, events, position) {
      for (const tracked of reactors.values()) {
        if (tracked.prefixes.length > 0 && !tracked.prefixes.some((prefix) => stream.startsWith(prefix))) continue;
        if (tracked.positions.length - tracked.head >= DROP_EVERY) drop(tracked);
        if (tracked.positions.length - tracked.head >= MAX_TRACKED) continue;
        tracked.positions.push(position);
        tracked.counts.push(events);
        tracked.size += events;
      }
    },
    *read() {
      for (const [name, tracked] of reactors) {
        drop(tracked);
        yield [{ reactor: name }, tracked.size] as const;
      }
    },
  };
}
