import type { Logger } from 'pino';
import type { DocumentProjection, DocumentWrite, QueryView } from '../../projections/documentProjection.js';
import type { EventData, EventStore, RecordedEvent, Subscription } from '../ports/eventStore.js';
import type { ProjectionCommit, ReadStore } from '../ports/readStore.js';

export interface ProjectionRunnerDeps {
  eventStore: EventStore;
  readStore: ReadStore;
  projections: readonly DocumentProjection[];
  /** Streams the projections read (e.g. `tenant-`); others are never fetched. */
  streamPrefixes: readonly string[];
  logger: Logger;
  /** Events per catch-up transaction (read in pages of at most `pageSize`). */
  batchSize?: number;
  /** Longest time live changes stay in memory only before the read store gets them. Default 100 ms. */
  persistEveryMs?: number;
  /**
   * How catch-up saves: `batches` (default) commits every `batchSize` events, so an interrupted
   * catch-up resumes from the last commit; `whole` keeps the documents in memory only and replaces
   * each projection's stored documents once caught up. That is for a rebuild into a new read store:
   * nothing would resume from it, and every document is encoded and written exactly once.
   */
  catchUpSaves?: 'batches' | 'whole';
}

export interface ProjectionRunner {
  /** Loads the documents, catches up from the checkpoints, then follows new events. Resolves when caught up. */
  start(): Promise<void>;
  /** Catches up and returns without following: for `projections rebuild`. */
  catchUp(): Promise<void>;
  /** The projection's documents in memory: O(1) reads. */
  view(projection: string): QueryView;
  /** Resolves once every projection has applied the event at `position` (read-your-writes for commands). */
  waitFor(position: number, timeoutMs?: number): Promise<void>;
  /** Lowest position every projection has applied. */
  readonly position: number;
  /** Called after each committed batch with the projections it changed; answers an unsubscribe. */
  onApplied(listener: (projections: ReadonlySet<string>) => void): () => void;
  stop(): Promise<void>;
}

type Collections = Map<string, Map<string, unknown>>;
/** Per projection, its writes since the last read-store commit, in order (a later write of a document wins). */
type Unpersisted = Map<string, DocumentWrite[]>;

/** Events per event-store read: small pages keep the event objects short-lived for the garbage collector. */
const pageSize = 5000;

/**
 * Applies pure folds to the event store's events, keeping their documents in memory and in the read
 * store. Writes land in memory at once (what every reader sees) and are kept until the next
 * read-store commit, which saves them with the checkpoints they reach in one transaction (each
 * touched chunk encoded once). Events at or below a projection's checkpoint are skipped, so a crash
 * anywhere replays from the last commit and never applies an event twice to what was persisted.
 */
export function createProjectionRunner(deps: ProjectionRunnerDeps): ProjectionRunner {
  const batchSize = deps.batchSize ?? 50_000;
  const persistEveryMs = deps.persistEveryMs ?? 100;
  const memory = new Map<string, Collections>();
  /** Position each projection has applied in memory. */
  const checkpoints = new Map<string, number>();
  /** Position each projection's documents in the read store cover. */
  const persisted = new Map<string, number>();
  let unpersisted: Unpersisted = new Map();
  const handled = new Map(deps.projections.map((projection) => [projection.name, new Set(projection.handles)]));
  const waiters = new Set<{ position: number; resolve: () => void; reject: (error: unknown) => void }>();
  let subscription: Subscription | undefined;
  let failure: unknown;
  let loaded = false;
  const listeners = new Set<(projections: ReadonlySet<string>) => void>();

  const viewOf = (collections: Collections): QueryView => ({
    get: <T>(collection: string, key: string) => collections.get(collection)?.get(key) as T | undefined,
    all: <T>(collection: string) => (collections.get(collection)?.values() ?? []) as Iterable<T>,
  });
  const lowestCheckpoint = () => Math.min(...deps.projections.map((projection) => checkpoints.get(projection.name) ?? 0));

  function load(): void {
    if (loaded) return;
    for (const projection of deps.projections) {
      const collections: Collections = new Map();
      const { checkpoint, documents } = deps.readStore.load(projection.name);
      const fresh = checkpoint === 0 && documents.length === 0;
      const initial = fresh ? projection.init() : documents;
      for (const { collection, key, doc } of initial) collectionOf(collections, collection).set(key, doc);
      // A fresh projection's starting documents are saved with its first commit, like any write.
      if (fresh && initial.length > 0) unpersisted.set(projection.name, [...initial]);
      memory.set(projection.name, collections);
      checkpoints.set(projection.name, checkpoint);
      persisted.set(projection.name, checkpoint);
    }
    loaded = true;
  }

  /** Folds events into the documents in memory, remembering (`record`) what the read store has yet to get. */
  function fold(events: readonly EventData[], record = true): void {
    if (events.length === 0) return;
    const last = events[events.length - 1]!.position;
    const changed = new Set<string>();
    for (const projection of deps.projections) {
      const checkpoint = checkpoints.get(projection.name) ?? 0;
      if (last <= checkpoint) continue;
      const collections = memory.get(projection.name)!;
      const view = viewOf(collections);
      const handles = handled.get(projection.name)!;
      const dirty = record ? (unpersisted.get(projection.name) ?? []) : undefined;
      let wrote = false;
      for (const event of events) {
        if (event.position <= checkpoint || !handles.has(event.type)) continue;
        for (const write of projection.evolve(view, event)) {
          const { collection, key, doc } = write;
          if (doc === null) collections.get(collection)?.delete(key);
          else collectionOf(collections, collection).set(key, doc);
          dirty?.push(write);
          wrote = true;
        }
      }
      if (wrote) {
        changed.add(projection.name);
        if (dirty) unpersisted.set(projection.name, dirty);
      }
      checkpoints.set(projection.name, last);
    }
    if (changed.size > 0) for (const listener of listeners) listener(changed);
    settleWaiters();
  }

  /** Commits the changed documents and the checkpoints they reach; throws what the read store throws. */
  function persist(): void {
    const commits: ProjectionCommit[] = [];
    for (const { name } of deps.projections) {
      const writes = unpersisted.get(name);
      const checkpoint = checkpoints.get(name) ?? 0;
      if (!writes && checkpoint === persisted.get(name)) continue;
      commits.push({ projection: name, writes: writes ?? [], checkpoint });
    }
    if (commits.length === 0) return;
    deps.readStore.commit(commits);
    unpersisted = new Map();
    for (const { projection, checkpoint } of commits) persisted.set(projection, checkpoint);
  }

  // Live events are folded once per turn of the event loop (a page of them per subscription read),
  // which is what every reader sees at once. They are persisted at most every `persistEveryMs`:
  // each read-store commit re-encodes the chunks it touches, so committing every turn cost more
  // than the folds themselves. The read store only serves the next start-up, and its checkpoints
  // move with the writes they cover, so a crash before a persist only replays those events.
  let live: RecordedEvent[] = [];
  let flushScheduled = false;
  let persistTimer: NodeJS.Timeout | undefined;
  function flushLive(): void {
    flushScheduled = false;
    const events = live;
    live = [];
    if (events.length === 0 || failure !== undefined) return;
    try {
      fold(events);
      persistTimer ??= setTimeout(persistLive, persistEveryMs).unref();
    } catch (error) {
      failLive(error);
    }
  }

  function persistLive(): void {
    clearTimeout(persistTimer);
    persistTimer = undefined;
    if (failure !== undefined) return;
    try {
      persist();
    } catch (error) {
      failLive(error);
    }
  }

  function failLive(error: unknown): void {
    stopFollowing(error);
    void subscription?.stop();
  }

  function stopFollowing(error: unknown): void {
    failure = error;
    deps.logger.error({ err: error }, 'projection runner stopped: read models no longer follow the event store');
    settleWaiters();
  }

  function settleWaiters(): void {
    if (waiters.size === 0) return;
    const position = lowestCheckpoint();
    for (const waiter of waiters) {
      if (failure !== undefined) waiter.reject(failure);
      else if (waiter.position <= position) waiter.resolve();
      else continue;
      waiters.delete(waiter);
    }
  }

  async function catchUp(): Promise<void> {
    load();
    const whole = deps.catchUpSaves === 'whole';
    let after = lowestCheckpoint();
    let folded = 0;
    const page = Math.min(pageSize, batchSize);
    for (;;) {
      const options = { after, maxCount: page, streamPrefixes: deps.streamPrefixes };
      const events = await (deps.eventStore.readAllData?.(options) ?? deps.eventStore.readAll(options));
      fold(events, !whole);
      folded += events.length;
      const done = events.length < page;
      if (!whole && (done || folded >= batchSize)) {
        persist();
        folded = 0;
      }
      if (done) break;
      after = events[events.length - 1]!.position;
    }
    if (whole) replaceAll();
  }

  function replaceAll(): void {
    for (const { name } of deps.projections) {
      const checkpoint = checkpoints.get(name) ?? 0;
      deps.readStore.replace(name, memory.get(name)!, checkpoint);
      persisted.set(name, checkpoint);
    }
    // Everything in memory is saved now, starting documents included.
    unpersisted = new Map();
  }

  return {
    catchUp,
    async start() {
      await catchUp();
      subscription = deps.eventStore.subscribeToAll({
        after: lowestCheckpoint(),
        streamPrefixes: deps.streamPrefixes,
        handler: (event) => {
          live.push(event);
          if (!flushScheduled) {
            flushScheduled = true;
            setImmediate(flushLive);
          }
        },
        onError: stopFollowing,
      });
      deps.logger.info({ position: lowestCheckpoint(), projections: deps.projections.map((p) => p.name) }, 'projections caught up');
    },
    view(projection) {
      const collections = memory.get(projection);
      if (!collections) throw new Error(`unknown projection ${projection} (or the runner has not started)`);
      return viewOf(collections);
    },
    waitFor(position, timeoutMs = 5000) {
      if (failure !== undefined) return Promise.reject(failure);
      if (position <= lowestCheckpoint()) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`read models did not reach position ${position} within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = { position, resolve: () => (clearTimeout(timer), resolve()), reject: (error: unknown) => (clearTimeout(timer), reject(error)) };
        waiters.add(waiter);
      });
    },
    get position() {
      return lowestCheckpoint();
    },
    onApplied(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      await subscription?.stop();
      subscription = undefined;
      flushLive();
      persistLive();
    },
  };
}

function collectionOf(collections: Collections, name: string): Map<string, unknown> {
  let collection = collections.get(name);
  if (!collection) collections.set(name, (collection = new Map()));
  return collection;
}
