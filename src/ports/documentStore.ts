/** A stored fax document. Ids are content addresses (`sha256-<hex>`), so a document never changes. */
export interface StoredDocument {
  id: string;
  sha256: string;
  bytes: number;
  contentType: 'image/tiff';
  pages: number;
}

export type Rendition = 'image/tiff' | 'application/pdf';

/**
 * A plain copy of a document for a tool that can only read a path (FreeSWITCH's txfax, ghostscript,
 * libtiff): private to faxengine, deleted by `release()` (and swept at the next start after a crash).
 */
export interface PlainFile {
  readonly path: string;
  release(): Promise<void>;
}

export interface ReadOptions {
  /**
   * Called once, synchronously, when the stored bytes have been found and are being read (the file
   * is open, its read under way on another thread), before they are opened: the access trail writes
   * its journal line there, in time the request would otherwise spend waiting for the read. Not
   * called when the document or its file is missing. A store that cannot tell may not call it.
   */
  whileReading?: () => void;
}

export interface PutOptions {
  /**
   * The caller is done with the file: the store may take it (move it away) and hand it out as the
   * next plain copy of this document (`openPlainFile`'s TIFF), for a fax sent right after it is
   * stored. That saves reading, opening and writing a copy of what the caller just had. A copy not
   * asked for in a while is deleted. The caller still removes the file if it is left in place.
   */
  handOver?: boolean;
}

/**
 * Where received and submitted fax documents live. The filesystem adapter keeps them under the
 * data directory, sealed under the at-rest key ring (README: Encryption at rest); the port keeps an
 * S3-compatible store possible later. Nothing outside the store sees a stored file: consumers get
 * the plain bytes, or a plain file of their own for the time they use it.
 */
export interface DocumentStore {
  /** Stores a TIFF from a local file (the file itself is left in place unless `options.handOver`). Storing the same bytes twice is a no-op. */
  putTiff(path: string, options?: PutOptions): Promise<StoredDocument>;
  get(id: string): Promise<StoredDocument | undefined>;
  /**
   * The document's plain bytes in the asked-for form, creating the rendition on first use. Rejects
   * with UnreadableDocumentError when it is not stored, DocumentIntegrityError when its stored bytes
   * do not authenticate (changed on disk, or sealed under a key no longer in the ring).
   */
  read(id: string, rendition: Rendition, options?: ReadOptions): Promise<Buffer>;
  /** A plain file of the document until `release()`: for a use that outlives one call (a fax call's txfax). */
  openPlainFile(id: string, rendition: Rendition): Promise<PlainFile>;
  /** Runs `use` with a plain file of the document, deleted as soon as `use` settles. */
  withPlainFile<T>(id: string, rendition: Rendition, use: (path: string) => Promise<T>): Promise<T>;
  /** Deletes the document, its renditions and its page images (purge). Removing a missing document is a no-op. */
  remove(id: string): Promise<void>;
}

/** The file is not a usable TIFF (missing, empty, corrupt), or the document is not stored. */
export class UnreadableDocumentError extends Error {
  override readonly name = 'UnreadableDocumentError';
}

/** A stored document's bytes do not authenticate: changed on disk, or sealed under a key the ring lacks. */
export class DocumentIntegrityError extends Error {
  override readonly name = 'DocumentIntegrityError';
}
