import type { ReadUnderWay } from '../domain/access/pendingRead.js';
import type { DocumentStore, Rendition } from '../ports/documentStore.js';

/**
 * A document read for a request, recorded in the access trail (`begin`: `AccessLog.begin` for this
 * request; absent when the trail is off). The read is journaled while the file is being read, not
 * after: on the development VM the journal's `write(2)` was most of what the trail added to a read
 * (README: Access trail). A read that then fails (a file that does not authenticate) is withdrawn,
 * and one whose document or file is missing never begins: neither leaves an entry.
 */
export async function readDocumentRecorded(documents: DocumentStore, documentId: string, rendition: Rendition, begin?: () => ReadUnderWay | undefined): Promise<Buffer> {
  if (!begin) return documents.read(documentId, rendition);
  let underWay: ReadUnderWay | undefined;
  let begun = false;
  const start = () => {
    if (begun) return;
    begun = true;
    underWay = begin();
  };
  let body: Buffer;
  try {
    body = await documents.read(documentId, rendition, { whileReading: start });
  } catch (error) {
    underWay?.failed();
    throw error;
  }
  // A store that did not say when it was reading: recorded now, before anything is served.
  start();
  underWay?.done();
  return body;
}
