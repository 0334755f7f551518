import type { Logger } from 'pino';
import type { DocumentProjection, QueryView } from '../../projections/documentProjection.js';
import type { EventData, EventStore, RecordedEvent, Subscription } from '../ports/eventStore.js';
import type { ProjectionCommit, ReadStore, StoredDocument } from '../ports/readStore.js';
import { createProjectionDocuments, type ProjectionDocuments } from './projectionDocuments.js';

export interface ProjectionRunnerDeps {
  eventStore: EventStore;
  readStore: ReadStore;
  projections: readonly DocumentProjection[];
  /** Streams the projections read (e.g. `tenant-`); others are never fetched. */
  streamPrefixes: readonly string[];
  logger: Logger;
  /** Events per catch-up transaction (read in pages of at most `pageSize`). */
  batchSize?: number;
  /** Longest time live changes of in-memory collections wait before the read store gets them. Default 100 ms. */
  persistEveryMs?: number;
  /**
   * Longest time live writes to history collections wait before they are committed, unless
   * something reads or waits for them first (`commitPending`, `waitFor`, `page`, `stop`): on a busy
   * server the events of many faxes then go in one commit, where each event was a commit of its
   * own. Default 25 ms.
   */
  historyCommitMs?: number;
  /**
   * Documents of each history collection the folds keep at hand (least recently used ones are
   * dropped and read back from the read store when needed). Default 5,000: more than the faxes in
   * flight on a busy server; larger costs a catch-up's peak RSS more than it saves in reads.
   */
  cacheEntries?: number;
}

export interface ProjectionRunner {
  /** Loads the in-memory documents, catches up from the checkpoints, then follows new events. Resolves when caught up. */
  start(): Promise<void>;
  /** Catches up and returns without following: for `projections rebuild`. */
  catchUp(): Promise<void>;
  /**
   * The projection's documents: O(1) reads of in-memory collections; a history collection's
   * documents are read through the cache and the read store, and cannot be listed (`all` throws).
   */
  view(projection: string): QueryView;
  /**
   * Up to `limit` documents of a collection in key order after the key `after`, read from the read
   * store: keyset paging through a history collection (its live writes are committed the turn they
   * are folded, so a page shows them); only keys below `before` when given (a key range).
   */
  page(projection: string, collection: string, limit: number, after?: string, before?: string): StoredDocument[];
  /**
   * Resolves once every projection has applied the event at `position` (read-your-writes for
   * commands): what it wrote to history collections is committed by then, so their queries see it
   * (a waiter has them committed at once rather than after `historyCommitMs`).
   */
  waitFor(position: number, timeoutMs?: number): Promise<void>;
  /** Lowest position every projection has applied. */
  readonly position: number;
  /**
   * Commits the history writes still waiting for `historyCommitMs`: called before every query of
   * the read store's tables (readModels.ts), so a read sees every event applied, as it did when each
   * event was committed at once; the commits are shared only while nobody reads.
   */
  commitPending(): void;
  /**
   * Called after each applied batch with the projections it changed, once their changes can be
   * read (for projections with history collections: once committed); answers an unsubscribe.
   */
  onApplied(listener: (projections: ReadonlySet<string>) => void): () => void;
  /** Documents of a history collection held in the cache now (for tests and diagnostics). */
  cached(projection: string, collection: string): number;
  stop(): Promise<void>;
}

/** One projection's documents and where its commits stand. */
interface Folding {
  projection: DocumentProjection;
  handles: ReadonlySet<string>;
  documents: ProjectionDocuments;
  /** Position applied in memory, and position the read store's documents cover. */
  checkpoint: number;
  persisted: number;
}

/**
 * Events per event-store read: small pages keep the event objects short-lived, so the garbage
 * collector takes them young (pages of 5000 cost a catch-up ~30 MB more RSS).
 */
const pageSize = 1000;

/**
 * Applies pure folds to the event store's events. Small collections (tenancy) are held whole in
 * memory and committed to the read store at most every `persistEveryMs`; collections that grow with
 * history (`historyCollections`) are not: folds read them through writes not yet committed, a
 * bounded LRU cache and the read store, and live writes to them are committed before anyone is told
 * they were applied. Each commit saves the writes with the checkpoints they reach in one
 * transaction; events at or below a projection's checkpoint are skipped, so a crash anywhere
 * replays from the last commit and never applies an event twice to what was persisted.
 */
export function createProjectionRunner(deps: ProjectionRunnerDeps): ProjectionRunner {
  const batchSize = deps.batchSize ?? 50_000;
  const persistEveryMs = deps.persistEveryMs ?? 100;
  const historyCommitMs = deps.historyCommitMs ?? 25;
  const cacheEntries = deps.cacheEntries ?? 5_000;
  const states = new Map<string, Folding>();
  const waiters = new Set<{ position: number; resolve: () => void; reject: (error: unknown) => void }>();
  let subscription: Subscription | undefined;
  let failure: unknown;
  let loaded = false;
  const listeners = new Set<(projections: ReadonlySet<string>) => void>();
  /** Projections with history collections changed by live events whose commit is still to come. */
  const unannounced = new Set<string>();
  const keepsHistory = new Set(deps.projections.filter((projection) => (projection.historyCollections ?? []).length > 0).map((projection) => projection.name));

  const lowestCheckpoint = () => Math.min(...deps.projections.map((projection) => states.get(projection.name)?.checkpoint ?? 0));
  // Asked before every query of the read models' tables (commitPending): a loop, no array made.
  const pendingHistory = () => {
    let pending = 0;
    for (const state of states.values()) pending += state.documents.pendingHistory;
    return pending;
  };

  function load(): void {
    if (loaded) return;
    for (const projection of deps.projections) {
      // History collections stay in the read store: start-up reads the small collections only.
      const { checkpoint, documents } = deps.readStore.load(projection.name, projection.historyCollections);
      const folding: Folding = { projection, handles: new Set(projection.handles), documents: createProjectionDocuments(projection, deps.readStore, cacheEntries), checkpoint, persisted: checkpoint };
      // A fresh projection's starting documents are saved with its first commit, like any write.
      if (checkpoint === 0 && documents.length === 0) for (const write of projection.init()) folding.documents.apply(write);
      else folding.documents.load(documents);
      states.set(projection.name, folding);
    }
    loaded = true;
  }

  /** Folds events into the documents, keeping the writes the read store has yet to get; answers the projections it changed. */
  function fold(events: readonly EventData[]): Set<string> {
    const changed = new Set<string>();
    if (events.length === 0) return changed;
    const last = events[events.length - 1]!.position;
    for (const state of states.values()) {
      const { checkpoint, handles, projection } = state;
      if (last <= checkpoint) continue;
      for (const event of events) {
        if (event.position <= checkpoint || !handles.has(event.type)) continue;
        for (const write of projection.evolve(state.documents.view, event)) {
          state.documents.apply(write);
          changed.add(projection.name);
        }
      }
      state.checkpoint = last;
    }
    return changed;
  }

  function announce(changed: ReadonlySet<string>): void {
    if (changed.size > 0) for (const listener of listeners) listener(changed);
  }

  /** Commits the pending writes and the checkpoints they reach; throws what the read store throws. */
  function persist(): void {
    const commits: ProjectionCommit[] = [];
    for (const state of states.values()) {
      if (state.documents.pendingWrites === 0 && state.checkpoint === state.persisted) continue;
      commits.push({ projection: state.projection.name, writes: state.documents.takeWrites(), checkpoint: state.checkpoint });
    }
    if (commits.length === 0) return;
    // A failed commit stops the runner (live) or the catch-up: the writes taken are not needed again.
    deps.readStore.commit(commits);
    for (const state of states.values()) state.persisted = state.checkpoint;
  }

  // Live events are folded once per turn of the event loop (a page of them per subscription read).
  // Writes to history collections are read from the read store by queries, so they are committed
  // before anyone is told: within `historyCommitMs`, or at once when a waiter (a command's
  // read-your-writes) needs them; one commit then takes every fax's events of that time. Changes
  // to in-memory collections alone are served from memory at once and persisted at most every
  // `persistEveryMs`. Each commit carries the checkpoint it reaches, so a crash before one only
  // replays the events after it.
  let live: RecordedEvent[] = [];
  let flushScheduled = false;
  let persistTimer: NodeJS.Timeout | undefined;
  let historyTimer: NodeJS.Timeout | undefined;
  function flushLive(): void {
    flushScheduled = false;
    const events = live;
    live = [];
    if (events.length === 0 || failure !== undefined) return;
    try {
      const changed = fold(events);
      const now = new Set<string>();
      for (const name of changed) (keepsHistory.has(name) ? unannounced : now).add(name);
      announce(now);
      if (pendingHistory() === 0) {
        persistTimer ??= setTimeout(persistLive, persistEveryMs).unref();
        announceCommitted();
      } else if (waiters.size > 0) persistLive();
      else historyTimer ??= setTimeout(persistLive, historyCommitMs).unref();
      settleWaiters();
    } catch (error) {
      failLive(error);
    }
  }

  /** Commits what is pending (history writes, in-memory changes, checkpoints) and tells who listens. */
  function persistLive(): void {
    clearTimeout(persistTimer);
    clearTimeout(historyTimer);
    persistTimer = historyTimer = undefined;
    if (failure !== undefined) return;
    try {
      persist();
      announceCommitted();
    } catch (error) {
      failLive(error);
    }
  }

  function announceCommitted(): void {
    if (unannounced.size === 0) return;
    const changed = new Set(unannounced);
    unannounced.clear();
    announce(changed);
  }

  /** Before a read of the read store that must see every event applied: commits what waits. */
  function commitPending(): void {
    if (pendingHistory() > 0) persistLive();
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

  /** Folds everything after the checkpoints, committing every `batchSize` events (or sooner when many history documents wait). */
  async function catchUp(): Promise<void> {
    load();
    let after = lowestCheckpoint();
    let folded = 0;
    const page = Math.min(pageSize, batchSize);
    for (;;) {
      const options = { after, maxCount: page, streamPrefixes: deps.streamPrefixes };
      const events = await (deps.eventStore.readAllData?.(options) ?? deps.eventStore.readAll(options));
      announce(fold(events));
      folded += events.length;
      const done = events.length < page;
      // Pending history documents are held in full until committed: bound them like the cache.
      if (done || folded >= batchSize || pendingHistory() >= cacheEntries) {
        persist();
        settleWaiters();
        folded = 0;
      }
      if (done) break;
      after = events[events.length - 1]!.position;
    }
    deps.readStore.caughtUp();
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
    page(projection, collection, limit, after, before) {
      commitPending();
      return deps.readStore.page(projection, collection, limit, after, before);
    },
    view(projection) {
      const state = states.get(projection);
      if (!state) throw new Error(`unknown projection ${projection} (or the runner has not started)`);
      return state.documents.view;
    },
    waitFor(position, timeoutMs = 5000) {
      commitPending();
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
    commitPending,
    onApplied(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    cached(projection, collection) {
      return states.get(projection)?.documents.cached(collection) ?? 0;
    },
    async stop() {
      await subscription?.stop();
      subscription = undefined;
      flushLive();
      persistLive();
    },
  };
}

