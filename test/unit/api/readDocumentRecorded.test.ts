import { describe, expect, it } from 'vitest';
import { readDocumentRecorded } from '../../../src/api/readDocumentRecorded.js';
import { DocumentIntegrityError, UnreadableDocumentError, type DocumentStore, type ReadOptions } from '../../../src/ports/documentStore.js';

/** A store whose read does what `read` says; only `read` is used. */
const storeReading = (read: (options?: ReadOptions) => Promise<Buffer>): DocumentStore => ({ read: (_id: string, _rendition: string, options?: ReadOptions) => read(options) }) as unknown as DocumentStore;

/** What the access trail was told, in order. */
function trail() {
  const said: string[] = [];
  return { said, begin: () => (said.push('begin'), { done: () => said.push('done'), failed: () => said.push('failed') }) };
}

describe('readDocumentRecorded: the access trail told while a document is read', () => {
  it('begins the entry while the store reads, and completes it once the bytes are there', async () => {
    const { said, begin } = trail();
    const body = await readDocumentRecorded(
      storeReading(async (options) => {
        options?.whileReading?.();
        said.push('bytes read');
        return Buffer.from('tiff');
      }),
      'doc',
      'image/tiff',
      begin,
    );
    expect(body.toString()).toBe('tiff');
    expect(said).toEqual(['begin', 'bytes read', 'done']);
  });

  it('records after the read when the store never says it is reading', async () => {
    const { said, begin } = trail();
    await readDocumentRecorded(storeReading(async () => Buffer.from('pdf')), 'doc', 'application/pdf', begin);
    expect(said).toEqual(['begin', 'done']);
  });

  it('withdraws the entry when the read fails after it began (the file does not authenticate)', async () => {
    const { said, begin } = trail();
    const failing = storeReading(async (options) => {
      options?.whileReading?.();
      throw new DocumentIntegrityError('document doc (image/tiff) cannot be opened');
    });
    await expect(readDocumentRecorded(failing, 'doc', 'image/tiff', begin)).rejects.toThrow(DocumentIntegrityError);
    expect(said).toEqual(['begin', 'failed']);
  });

  it('begins nothing when the document or its file is missing', async () => {
    const { said, begin } = trail();
    const missing = storeReading(async () => {
      throw new UnreadableDocumentError('document doc not found');
    });
    await expect(readDocumentRecorded(missing, 'doc', 'image/tiff', begin)).rejects.toThrow(UnreadableDocumentError);
    expect(said).toEqual([]);
  });

  it('reads without a trail when there is none', async () => {
    const calls: Array<ReadOptions | undefined> = [];
    const body = await readDocumentRecorded(storeReading(async (options) => (calls.push(options), Buffer.from('x'))), 'doc', 'image/tiff');
    expect(body.toString()).toBe('x');
    expect(calls).toEqual([undefined]);
  });
});
