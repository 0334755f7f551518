/**
 * The read store port: where projections keep their documents and checkpoints. Writes of one
 * batch and the checkpoints they move are committed atomically, so a restart resumes exactly
 * where the last commit ended. Calls are synchronous: the embedded store is an in-process SQLite
 * file. Small collections (tenancy) are loaded whole at start and served from memory by the
 * projection runner; collections that grow with history are read one document (`get`) or one
 * page (the read models' queries) at a time.
 */
export interface StoredDocument {
  collection: string;
  key: string;
  /** JSON-safe value; `null` in a write deletes the document. */
  doc: unknown;
}

export interface ProjectionCommit {
  projection: string;
  writes: readonly StoredDocument[];
  /** Global event position the projection has fully applied after these writes. */
  checkpoint: number;
}

export interface ReadStoreDump {
  documents: { projection: string; collection: string; key: string; doc: string }[];
  checkpoints: { projection: string; position: number }[];
}

export interface ReadStore {
  /**
   * The projection's checkpoint (0 when it has none) and its documents, except those of the
   * `history` collections, which stay in the store (read them with `get`).
   */
  load(projection: string, history?: readonly string[]): { checkpoint: number; documents: StoredDocument[] };
  /** One document, or undefined. */
  get(projection: string, collection: string, key: string): unknown;
  /**
   * Up to `limit` documents of a collection in key order (code-unit order), those after the key
   * `after` when given and before the key `before` when given: keyset paging through a history
   * collection with no query of its own, or one key range of it (e.g. a statistic's time buckets).
   */
  page(projection: string, collection: string, limit: number, after?: string, before?: string): StoredDocument[];
  commit(commits: readonly ProjectionCommit[]): void;
  /**
   * The runner has caught up: the store completes what it may defer while a catch-up folds the
   * history in (the SQLite store builds a new file's query indexes here). Queries need it first.
   */
  caughtUp(): void;
  /** Everything, in a stable order: to compare two read stores (e.g. before and after a rebuild). */
  dump(): ReadStoreDump;
  close(): void;
}
