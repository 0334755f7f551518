import { generateKeyPairSync } from 'node:crypto';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { FaxView } from '../../../src/domain/fax/faxView.js';
import { archiveStream, exportArchive, type ExportArchiveDeps } from '../../../src/exports/exportArchive.js';
import { exportSigner } from '../../../src/exports/exportSigningKey.js';
import { verifyExport } from '../../../src/exports/verifyExport.js';
import { UnreadableDocumentError, type DocumentStore } from '../../../src/ports/documentStore.js';
import type { EventStore, RecordedEvent } from '../../../src/ports/eventStore.js';
import { makeTempDir } from '../../support/tempDir.js';

const dir = makeTempDir('export-archive');
afterAll(() => dir.remove());
const keys = generateKeyPairSync('ed25519');
const tiff = join(dir.path, 'doc.tif');
writeFileSync(tiff, Buffer.alloc(150_000, 0x49));

const fax = (n: number): FaxView => ({ faxId: `fax-${n}`, tenantId: 't1', direction: 'inbound', status: 'received', createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(), documentId: n % 7 === 3 ? 'lost' : 'doc' }) as FaxView;

/** Deps that count what the export has read so far. */
function counting() {
  const reads = { streams: 0 };
  const eventStore = {
    async readStream(stream: string): Promise<RecordedEvent[]> {
      reads.streams++;
      return [0, 1, 2].map((revision) => ({ id: `${stream}-${revision}`, stream, type: 'FaxNegotiated', data: { faxId: stream.slice(4), note: 'a,\nb' }, metadata: {}, revision, position: revision + 1, created: '2026-01-01T00:00:00.000Z' }));
    },
  } as unknown as EventStore;
  const documents = {
    async read(id: string) {
      if (id === 'lost') throw new UnreadableDocumentError('document lost not found');
      return readFileSync(tiff);
    },
  } as unknown as DocumentStore;
  const deps: ExportArchiveDeps = { eventStore, documents, signer: exportSigner(keys.privateKey), clock: { now: () => new Date('2026-12-06T12:00:00Z') }, version: 'test' };
  return { reads, deps };
}

describe('exportArchive', () => {
  it('runs only as far as the reader has read (nothing is gathered ahead)', async () => {
    const { reads, deps } = counting();
    let listed = 0;
    function* faxes() {
      for (let n = 0; n < 1000; n++) {
        listed++;
        yield fax(n);
      }
    }
    const reader = archiveStream(exportArchive(faxes(), { scope: { kind: 'fax', faxId: 'x' }, exportedBy: { kind: 'admin' }, includePdf: false }, deps), () => {}).getReader();
    for (let i = 0; i < 5; i++) await reader.read();
    expect(listed).toBeLessThanOrEqual(2);
    expect(reads.streams).toBeLessThanOrEqual(2);
    await reader.cancel();
  });

  it('hands the event loop back between faxes, even when nothing it reads waits for I/O', async () => {
    const { deps } = counting();
    let turns = 0;
    let ticking = true;
    const tick = () => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const withoutDocuments = Array.from({ length: 200 }, (_, n) => ({ ...fax(n), documentId: null }));
    let bytes = 0;
    for await (const chunk of exportArchive(withoutDocuments, { scope: { kind: 'tenant', tenantId: 't1', since: null, until: '2026-12-06T12:00:00.000Z' }, exportedBy: { kind: 'admin' }, includePdf: false }, deps)) bytes += chunk.length;
    ticking = false;
    expect(bytes).toBeGreaterThan(200 * 1024);
    // Other work ran while the export did: at least once per fax.
    expect(turns).toBeGreaterThanOrEqual(200);
  });

  it('writes an archive that verifies, naming the documents it could not read', async () => {
    const { deps } = counting();
    const file = join(dir.path, 'many.tar');
    const chunks = exportArchive(Array.from({ length: 300 }, (_, n) => fax(n)), { scope: { kind: 'tenant', tenantId: 't1', since: null, until: '2026-12-06T12:00:00.000Z' }, exportedBy: { kind: 'admin' }, includePdf: false }, deps);
    await pipeline(Readable.from(chunks), createWriteStream(file));

    const report = await verifyExport(file, keys.publicKey);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.manifest!.faxes).toHaveLength(300);
    expect(report.manifest!.faxes[3]!.documentUnavailable).toBe('document.tiff: document lost not found');
    expect(report.filesChecked).toBe(300 + 300 - Math.ceil((300 - 3) / 7));
  });
});
