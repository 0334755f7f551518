import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UnreadableDocumentError, type DocumentStore, type Rendition, type StoredDocument } from '../../ports/documentStore.js';
import { readTiffStructure } from './tiffStructure.js';
import { tiffToPdf } from './tiffTools.js';

/**
 * Content-addressed documents on the local disk: `<root>/<2 hex>/<sha256>.tif` plus a JSON sidecar
 * and a PDF rendition made on first use. Files are written to a temporary name and renamed into
 * place, so a crash never leaves a half-written document under its final name, and an existing
 * document is never overwritten.
 */
export function createFileDocumentStore(root: string): DocumentStore {
  const base = (sha256: string) => join(root, sha256.slice(0, 2), sha256);
  const pdfsInProgress = new Map<string, Promise<string>>();

  async function readDescription(id: string): Promise<StoredDocument | undefined> {
    const sha256 = shaOf(id);
    if (!sha256 || !existsSync(`${base(sha256)}.json`)) return undefined;
    return JSON.parse(await readFile(`${base(sha256)}.json`, 'utf8')) as StoredDocument;
  }

  async function renderPdf(sha256: string): Promise<string> {
    const pdf = `${base(sha256)}.pdf`;
    if (existsSync(pdf)) return pdf;
    await placeOnce(pdf, (temporary) => tiffToPdf(`${base(sha256)}.tif`, temporary));
    return pdf;
  }

  return {
    async putTiff(path) {
      const size = await stat(path).then((info) => info.size, () => -1);
      if (size <= 0) throw new UnreadableDocumentError(`${path}: ${size < 0 ? 'file not found' : 'file is empty'}`);
      const { pages } = await readTiffStructure(path).catch((error: Error) => {
        throw new UnreadableDocumentError(`${path}: not a readable TIFF (${error.message})`);
      });
      if (pages === 0) throw new UnreadableDocumentError(`${path}: the TIFF has no pages`);

      const sha256 = await hashFile(path);
      const document: StoredDocument = { id: `sha256-${sha256}`, sha256, bytes: size, contentType: 'image/tiff', pages };
      const target = base(sha256);
      if (existsSync(`${target}.json`)) return document;
      await mkdir(dirname(target), { recursive: true });
      await placeOnce(`${target}.tif`, (temporary) => copyFile(path, temporary));
      await placeOnce(`${target}.json`, (temporary) => writeFile(temporary, JSON.stringify(document)));
      return document;
    },

    get: readDescription,

    async pathOf(id: string, rendition: Rendition) {
      const document = await readDescription(id);
      if (!document) throw new UnreadableDocumentError(`document ${id} not found`);
      if (rendition === 'image/tiff') return `${base(document.sha256)}.tif`;
      // One rendering per document even when several requests ask at once.
      let pending = pdfsInProgress.get(document.sha256);
      if (!pending) {
        pending = renderPdf(document.sha256).finally(() => pdfsInProgress.delete(document.sha256));
        pdfsInProgress.set(document.sha256, pending);
      }
      return pending;
    },
  };
}

/**
 * Writes a file under a unique temporary name, then links it to its final name, which fails if the
 * name exists: concurrent writers of the same content (two identical faxes at once) never clash,
 * and an existing document is never replaced.
 */
async function placeOnce(final: string, write: (temporary: string) => Promise<unknown>): Promise<void> {
  if (existsSync(final)) return;
  const temporary = `${final}.${randomUUID()}.tmp`;
  try {
    await write(temporary);
    await link(temporary, final).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

function shaOf(id: string): string | undefined {
  return /^sha256-([0-9a-f]{64})$/.exec(id)?.[1];
}

function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
