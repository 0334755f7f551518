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
 * Where received and submitted fax documents live. The filesystem adapter keeps them under the
 * data directory; the port keeps an S3-compatible store possible later.
 */
export interface DocumentStore {
  /** Stores a TIFF from a local file (the file itself is left in place). Storing the same bytes twice is a no-op. */
  putTiff(path: string): Promise<StoredDocument>;
  get(id: string): Promise<StoredDocument | undefined>;
  /** A local path to the document in the asked-for form, creating the rendition on first use. */
  pathOf(id: string, rendition: Rendition): Promise<string>;
}

/** The file is not a usable TIFF (missing, empty, corrupt). */
export class UnreadableDocumentError extends Error {
  override readonly name = 'UnreadableDocumentError';
}
