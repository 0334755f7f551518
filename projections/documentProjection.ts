/**
 * A projection is a pure fold over events into keyed JSON documents. `evolve` reads the current
 * documents through a view and answers the writes the event causes; the projection runner applies
 * them (in memory and in the read store, together with the checkpoint). Writes set whole
 * documents, so re-applying an event writes the same documents again: projections are idempotent.
 */
export interface ProjectedEvent {
  type: string;
  data: unknown;
  stream: string;
  position: number;
  /** Position within its stream (0: the stream's first event); the runner always passes it. */
  revision?: number;
  /** When the event was stored (ISO-8601): the same in a live fold, a catch-up and a rebuild. */
  created: string;
}

/** `doc: null` deletes the document. */
export interface DocumentWrite {
  collection: string;
  key: string;
  doc: unknown;
}

export interface DocumentView {
  get<T>(collection: string, key: string): T | undefined;
}

export interface DocumentProjection {
  /** Stable name: the read store keeps documents and the checkpoint under it. */
  name: string;
  /** Event types the projection reacts to; others are skipped without calling `evolve`. */
  handles: readonly string[];
  /** Documents a fresh read model starts with. */
  init(): DocumentWrite[];
  /**
   * Collections that grow with history (one document per fax, per notification, per station…). They are never
   * held whole in memory: `evolve` reads them through a bounded cache over the read store, and
   * they are queried through their read model's indexed queries, never listed with `all()`.
   */
  historyCollections?: readonly string[];
  evolve(view: DocumentView, event: ProjectedEvent): DocumentWrite[];
}

export const put = (collection: string, key: string, doc: unknown): DocumentWrite => ({ collection, key, doc });
export const remove = (collection: string, key: string): DocumentWrite => ({ collection, key, doc: null });

/** A view that also sees the writes staged so far: for an `evolve` that changes a document twice. */
export interface StagedView extends DocumentView {
  write(write: DocumentWrite): void;
  /** The last write per document, in first-write order. */
  writes(): DocumentWrite[];
}

export function stagedView(view: DocumentView): StagedView {
  // collection → key → index in `order`: catch-up stages every write, so no composite string keys here.
  const staged = new Map<string, Map<string, number>>();
  const order: DocumentWrite[] = [];
  return {
    get<T>(collection: string, key: string): T | undefined {
      const at = staged.get(collection)?.get(key);
      if (at === undefined) return view.get<T>(collection, key);
      const { doc } = order[at]!;
      return doc === null ? undefined : (doc as T);
    },
    write(write) {
      let keys = staged.get(write.collection);
      if (!keys) staged.set(write.collection, (keys = new Map()));
      const at = keys.get(write.key);
      if (at === undefined) {
        keys.set(write.key, order.length);
        order.push(write);
      } else order[at] = write;
    },
    writes: () => order.slice(),
  };
}

/** What queries read: the documents, and every document of a collection held in memory (not of history collections). */
export interface QueryView extends DocumentView {
  all<T>(collection: string): Iterable<T>;
}
