import { createHash, randomUUID } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UnreadableDocumentError, type DocumentStore, type Rendition, type StoredDocument } from '../../ports/documentStore.js';
import { tiffStructureOf } from './tiffStructure.js';
import { createSingleFlight } from './singleFlight.js';
import { tiffToPdf } from './tiffTools.js';

/**
 * Content-addressed documents on the local disk: `<root>/<2 hex>/<sha256>.tif` plus a JSON sidecar
 * and a PDF rendition made on first use. Files are written to a temporary name and renamed into
 * place, so a crash never leaves a half-written document under its final name, and an existing
 * document is never overwritten.
 */
export function createFileDocumentStore(root: string, options: { syncToDisk?: (path: string) => Promise<void> } = {}): DocumentStore {
  const syncToDisk = options.syncToDisk ?? fsyncPath;
  const base = (sha256: string) => join(root, sha256.slice(0, 2), sha256);
  const renderOnce = createSingleFlight<string>();

  // Documents never change, so their descriptions can be remembered (bounded; emptied when full).
  const descriptions = new Map<string, StoredDocument>();
  async function readDescription(id: string): Promise<StoredDocument | undefined> {
    const known = descriptions.get(id);
    if (known) return known;
    const sha256 = shaOf(id);
    if (!sha256 || !existsSync(`${base(sha256)}.json`)) return undefined;
    const document = JSON.parse(await readFile(`${base(sha256)}.json`, 'utf8')) as StoredDocument;
    if (descriptions.size >= 10_000) descriptions.clear();
    descriptions.set(id, document);
    return document;
  }

  async function renderPdf(sha256: string): Promise<string> {
    const pdf = `${base(sha256)}.pdf`;
    if (existsSync(pdf)) return pdf;
    const temporary = `${pdf}.${randomUUID()}.tmp`;
    try {
      await tiffToPdf(`${base(sha256)}.tif`, temporary);
      linkUnlessExists(temporary, pdf);
    } finally {
      rmSync(temporary, { force: true });
    }
    return pdf;
  }

  return {
    async putTiff(path) {
      // Synchronous on purpose: fax TIFFs are small (~50 KB a page) and this sits between a fax's
      // last page and its FaxReceived event. Under load every asynchronous file step waits a
      // whole event-loop turn behind other calls' traffic; a dozen of them added seconds.
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new UnreadableDocumentError(`${path}: ${code === 'ENOENT' ? 'file not found' : (error as Error).message}`);
      }
      if (bytes.length === 0) throw new UnreadableDocumentError(`${path}: file is empty`);
      let pages: number;
      try {
        pages = tiffStructureOf(bytes).pages;
      } catch (error) {
        throw new UnreadableDocumentError(`${path}: not a readable TIFF (${(error as Error).message})`);
      }
      if (pages === 0) throw new UnreadableDocumentError(`${path}: the TIFF has no pages`);

      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const document: StoredDocument = { id: `sha256-${sha256}`, sha256, bytes: bytes.length, contentType: 'image/tiff', pages };
      const target = base(sha256);
      if (existsSync(`${target}.json`)) return document;
      mkdirSync(dirname(target), { recursive: true });
      const placed = [placeOnceSync(`${target}.tif`, bytes), placeOnceSync(`${target}.json`, JSON.stringify(document))];
      // On disk before the caller records it: the event naming this document is made durable by the
      // event store's fsync, so the files and their directory entries must be too, or a power loss
      // could leave a FaxReceived whose TIFF is empty. The fsyncs run on the thread pool, side by side.
      if (placed.some(Boolean)) await Promise.all([`${target}.tif`, `${target}.json`, dirname(target)].map((path) => syncToDisk(path)));
      return document;
    },

    get: readDescription,

    async pathOf(id: string, rendition: Rendition) {
      const document = await readDescription(id);
      if (!document) throw new UnreadableDocumentError(`document ${id} not found`);
      if (rendition === 'image/tiff') return `${base(document.sha256)}.tif`;
      // One rendering per document even when several requests ask at once.
      return renderOnce(document.sha256, () => renderPdf(document.sha256));
    },
  };
}

/**
 * Writes a file under a unique temporary name, then links it to its final name, which fails if the
 * name exists: concurrent writers of the same content (two identical faxes at once) never clash,
 * and an existing document is never replaced.
 */
function placeOnceSync(final: string, content: Buffer | string): boolean {
  if (existsSync(final)) return false;
  const temporary = `${final}.${randomUUID()}.tmp`;
  try {
    writeFileSync(temporary, content);
    linkUnlessExists(temporary, final);
    return true;
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** fsync of a file or a directory (its entries), through the thread pool. */
async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function linkUnlessExists(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

function shaOf(id: string): string | undefined {
  return /^sha256-([0-9a-f]{64})$/.exec(id)?.[1];
}
