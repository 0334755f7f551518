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
  const staged = new Map<string, DocumentWrite>();
  const keyOf = (collection: string, key: string) => `${collection}\u0000${key}`;
  return {
    get<T>(collection: string, key: string): T | undefined {
      const write = staged.get(keyOf(collection, key));
      if (write) return write.doc === null ? undefined : (write.doc as T);
      return view.get<T>(collection, key);
    },
    write(write) {
      staged.set(keyOf(write.collection, write.key), write);
    },
    writes: () => [...staged.values()],
  };
}

/** What queries read: the documents, and every document of a collection. */
export interface QueryView extends DocumentView {
  all<T>(collection: string): Iterable<T>;
}
