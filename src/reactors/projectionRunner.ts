import type { Logger } from 'pino';
import { stagedView, type DocumentProjection, type QueryView, type StagedView } from '../../projections/documentProjection.js';
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

/** Events per event-store read: small pages keep the event objects short-lived for the garbage collector. */
const pageSize = 5000;

/** Writes staged since the last commit, per projection, up to `position`. */
interface Pending {
  views: Map<string, StagedView>;
  position: number;
}

/**
 * Applies pure folds to the event store's events, keeping their documents in memory and in the read
 * store. Each batch's writes and the checkpoints are one read-store transaction, and events at or
 * below a projection's checkpoint are skipped, so a crash anywhere replays nothing twice. Catch-up
 * stages many pages per transaction: a document changed by many events is then written once.
 */
export function createProjectionRunner(deps: ProjectionRunnerDeps): ProjectionRunner {
  const batchSize = deps.batchSize ?? 50_000;
  const persistEveryMs = deps.persistEveryMs ?? 100;
  const memory = new Map<string, Collections>();
  const checkpoints = new Map<string, number>();
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
      const initial = checkpoint === 0 && documents.length === 0 ? projection.init() : documents;
      for (const { collection, key, doc } of initial) collectionOf(collections, collection).set(key, doc);
      memory.set(projection.name, collections);
      checkpoints.set(projection.name, checkpoint);
    }
    loaded = true;
  }

  function stage(pending: Pending, events: readonly EventData[]): void {
    if (events.length === 0) return;
    const last = events[events.length - 1]!.position;
    for (const projection of deps.projections) {
      const checkpoint = checkpoints.get(projection.name) ?? 0;
      if (last <= checkpoint) continue;
      let view = pending.views.get(projection.name);
      if (!view) pending.views.set(projection.name, (view = stagedView(viewOf(memory.get(projection.name)!))));
      const handles = handled.get(projection.name)!;
      for (const event of events) {
        if (event.position <= checkpoint || !handles.has(event.type)) continue;
        for (const write of projection.evolve(view, event)) view.write(write);
      }
    }
    pending.position = last;
  }

  /** Catch-up: the batch is persisted, then applied in memory. */
  function commit(pending: Pending): void {
    const staged = stagedCommits(pending);
    if (staged.length === 0) return;
    deps.readStore.commit(staged);
    apply(staged);
  }

  function stagedCommits(pending: Pending): ProjectionCommit[] {
    return [...pending.views].map(([projection, view]) => ({ projection, writes: view.writes(), checkpoint: pending.position }));
  }

  /** Applies committed (or, live, about to be persisted) writes to the in-memory documents. */
  function apply(staged: readonly ProjectionCommit[]): void {
    const changed = new Set<string>();
    for (const { projection, writes, checkpoint } of staged) {
      const collections = memory.get(projection)!;
      for (const { collection, key, doc } of writes) {
        if (doc === null) collections.get(collection)?.delete(key);
        else collectionOf(collections, collection).set(key, doc);
      }
      checkpoints.set(projection, checkpoint);
      if (writes.length > 0) changed.add(projection);
    }
    if (changed.size > 0) for (const listener of listeners) listener(changed);
    settleWaiters();
  }

  // Live events are applied in memory once per turn of the event loop (a page of them per
  // subscription read), which is what every reader sees at once. They are persisted at most every
  // `persistEveryMs`: each read-store commit re-encodes the chunks it touches, so committing every
  // turn cost more than the folds themselves. The read store only serves the next start-up, and
  // its checkpoints move with the writes they cover, so a crash before a persist only replays
  // those events from the event store.
  let live: RecordedEvent[] = [];
  let flushScheduled = false;
  let unpersisted: ProjectionCommit[] = [];
  let persistTimer: NodeJS.Timeout | undefined;
  function flushLive(): void {
    flushScheduled = false;
    const events = live;
    live = [];
    if (events.length === 0 || failure !== undefined) return;
    try {
      const pending: Pending = { views: new Map(), position: 0 };
      stage(pending, events);
      const staged = stagedCommits(pending);
      if (staged.length === 0) return;
      unpersisted.push(...staged);
      persistTimer ??= setTimeout(persistLive, persistEveryMs).unref();
      apply(staged);
    } catch (error) {
      failLive(error);
    }
  }

  function persistLive(): void {
    clearTimeout(persistTimer);
    persistTimer = undefined;
    const staged = unpersisted;
    unpersisted = [];
    if (staged.length === 0 || failure !== undefined) return;
    try {
      deps.readStore.commit(mergedByProjection(staged));
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
    let pending: Pending = { views: new Map(), position: 0 };
    let after = lowestCheckpoint();
    let staged = 0;
    const page = Math.min(pageSize, batchSize);
    for (;;) {
      const options = { after, maxCount: page, streamPrefixes: deps.streamPrefixes };
      const events = await (deps.eventStore.readAllData?.(options) ?? deps.eventStore.readAll(options));
      stage(pending, events);
      staged += events.length;
      const done = events.length < page;
      if (done || staged >= batchSize) {
        commit(pending);
        pending = { views: new Map(), position: 0 };
        staged = 0;
      }
      if (done) return;
      after = events[events.length - 1]!.position;
    }
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

/** One commit per projection: its writes in order (a later write of a document wins), its last checkpoint. */
function mergedByProjection(commits: readonly ProjectionCommit[]): ProjectionCommit[] {
  const merged = new Map<string, { projection: string; writes: ProjectionCommit['writes'][number][]; checkpoint: number }>();
  for (const { projection, writes, checkpoint } of commits) {
    const entry = merged.get(projection);
    if (entry) {
      entry.writes.push(...writes);
      entry.checkpoint = checkpoint;
    } else merged.set(projection, { projection, writes: [...writes], checkpoint });
  }
  return [...merged.values()];
}

function collectionOf(collections: Collections, name: string): Map<string, unknown> {
  let collection = collections.get(name);
  if (!collection) collections.set(name, (collection = new Map()));
  return collection;
}
