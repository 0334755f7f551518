import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { FaxView } from '../domain/fax/faxView.js';
import type { Clock } from '../ports/clock.js';
import type { DocumentStore, Rendition } from '../ports/documentStore.js';
import type { EventStore } from '../ports/eventStore.js';
import { eventsFile } from './eventsFile.js';
import { exportFormat, manifestPath, signaturePath, type ExportManifest, type ExportScope, type ExportedBy, type ManifestFax, type ManifestFile } from './exportManifest.js';
import type { ExportSigner } from './exportSigningKey.js';
import { tarEnd, tarFile, tarHeader, tarPadding } from './tarWriter.js';

export interface ExportArchiveDeps {
  eventStore: EventStore;
  documents: DocumentStore;
  signer: ExportSigner;
  clock: Clock;
  version: string;
}

export interface ExportRequest {
  scope: ExportScope;
  exportedBy: ExportedBy;
  /** Also the PDF rendition of each document (rendered on first use, by ghostscript). */
  includePdf: boolean;
}

const documentFiles: Array<{ rendition: Rendition; name: string }> = [
  { rendition: 'image/tiff', name: 'document.tiff' },
  { rendition: 'application/pdf', name: 'document.pdf' },
];

/**
 * The export archive (ustar) of `faxes`, chunk by chunk: per fax its `events.json` and documents,
 * then `manifest.json` (every file's size and SHA-256) and `manifest.sig` (Ed25519 over the
 * manifest's exact bytes, base64). Fax by fax and document chunk by chunk, so memory stays
 * bounded by one fax's events plus the manifest, and the event loop is handed back between faxes.
 */
export async function* exportArchive(faxes: AsyncIterable<FaxView> | Iterable<FaxView>, request: ExportRequest, deps: ExportArchiveDeps): AsyncGenerator<Uint8Array> {
  const exportedAt = deps.clock.now();
  const files: ManifestFile[] = [];
  const listed: ManifestFax[] = [];
  for await (const fax of faxes) {
    const base = `faxes/${fax.faxId}`;
    const events = eventsFile(await deps.eventStore.readStream(`fax-${fax.faxId}`));
    files.push({ path: `${base}/events.json`, size: events.bytes.length, sha256: createHash('sha256').update(events.bytes).digest('hex'), events: events.lines });
    yield tarFile(`${base}/events.json`, events.bytes, exportedAt);
    const entry: ManifestFax = { faxId: fax.faxId, tenantId: fax.tenantId, direction: fax.direction, status: fax.status, createdAt: fax.createdAt, events: events.lines.length, documentId: fax.documentId };
    if (fax.documentId) {
      for (const { rendition, name } of documentFiles.filter((file) => request.includePdf || file.rendition === 'image/tiff')) {
        let bytes: Buffer;
        try {
          // Opened (decrypted and authenticated) in memory: a fax document is small, and no plain copy is left on disk.
          bytes = await deps.documents.read(fax.documentId, rendition);
        } catch (error) {
          // One fax's lost document must not cost the whole export; the manifest says so.
          entry.documentUnavailable = `${name}: ${(error as Error).message}`;
          continue;
        }
        const file = { path: `${base}/${name}`, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
        yield tarHeader(file.path, file.size, exportedAt);
        yield bytes;
        yield tarPadding(file.size);
        files.push(file);
      }
    }
    listed.push(entry);
    await nextTurn();
  }
  const manifest: ExportManifest = {
    format: exportFormat,
    exportedAt: exportedAt.toISOString(),
    exportedBy: request.exportedBy,
    scope: request.scope,
    faxengine: { version: deps.version },
    key: { algorithm: 'Ed25519', keyId: deps.signer.publicKey.keyId },
    faxes: listed,
    files,
  };
  const bytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  yield tarFile(manifestPath, bytes, exportedAt);
  yield tarFile(signaturePath, Buffer.from(`${deps.signer.sign(bytes).toString('base64')}\n`, 'ascii'), exportedAt);
  yield tarEnd();
}

/** A web stream of the chunks, pulled as the client reads (back-pressure: nothing runs ahead). */
export function archiveStream(chunks: AsyncGenerator<Uint8Array>, onError: (error: unknown) => void): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (error) {
        onError(error);
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
