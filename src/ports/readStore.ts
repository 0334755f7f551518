/**
 * The read store port: where projections keep their documents and checkpoints. Writes of one
 * batch and the checkpoints they move are committed atomically, so a restart resumes exactly
 * where the last commit ended. Calls are synchronous: the embedded store is an in-process SQLite
 * file and the projection runner holds the documents in memory for reads.
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
  /** The projection's checkpoint (0 when it has none) and every document it stored. */
  load(projection: string): { checkpoint: number; documents: StoredDocument[] };
  commit(commits: readonly ProjectionCommit[]): void;
  /**
   * Replaces everything the projection stored with `collections` (name → key → document) and moves
   * its checkpoint, atomically: how a rebuild saves what it folded in memory, each document once.
   */
  replace(projection: string, collections: ReadonlyMap<string, ReadonlyMap<string, unknown>>, checkpoint: number): void;
  /** Everything, in a stable order: to compare two read stores (e.g. before and after a rebuild). */
  dump(): ReadStoreDump;
  close(): void;
}
