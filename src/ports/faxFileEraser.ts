/**
 * Deletes the files a purged fax leaves on disk: its documents (every rendition and sidecar) with
 * their page images, and its spool file. Every call is idempotent: deleting what is already gone
 * is no error, so a purge interrupted anywhere is simply run again.
 */
export interface FaxFileEraser {
  /** The document's files under every name it has (TIFF, PDF, description, temporary copies) and its page images. */
  eraseDocument(documentId: string): Promise<void>;
  /** The fax's spool file (what FreeSWITCH's rxfax wrote), if one is left. */
  eraseSpool(faxId: string): Promise<void>;
}
