import { createHash, randomUUID } from 'node:crypto';
import { closeSync, existsSync, fsync, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { createKeyRing, type KeyRing } from '../crypto/keyRing.js';
import type { ReencryptableStore } from '../../ports/atRestData.js';
import { UnreadableDocumentError, type DocumentStore, type Rendition, type StoredDocument } from '../../ports/documentStore.js';
import { tiffStructureOf } from './tiffStructure.js';
import { createSingleFlight } from './singleFlight.js';
import { tiffToPdf } from './tiffTools.js';
import { createHandedOverCopies } from './handedOverCopies.js';
import { createPlainFiles, type PlainFiles } from './plainFiles.js';
import { readOpened, sealBytes, type Sealing } from './sealedFiles.js';
import { sealedFileSet } from './sealedFileSet.js';

export interface FileDocumentStoreOptions {
  syncToDisk?: (path: string) => Promise<void>;
  /**
   * The at-rest key ring (README: Encryption at rest). Without one, documents are written plain
   * (tests and tools); sealed ones can then not be read.
   */
  keyRing?: KeyRing;
  /** Whether new files are sealed (`encryption.documents`, default true when a ring is given). Read at each write. */
  encrypt?: () => boolean;
  /** Where plain copies for tools go: default `<root>/plain`. */
  plainDir?: string;
  /** Names this process's plain copies, so its start removes those a crash left (default `local`). */
  instanceTag?: string;
  /** Where the page image cache keeps its images, removed with the document. */
  pageImagesDir?: string;
  /** How long a file handed over by `putTiff` waits to be taken as a plain copy (default 10 minutes). */
  handedOverKeepMs?: number;
  logger?: Logger;
}

/** The document store with what the re-encryption job and the page image cache need. */
export interface FileDocumentStore extends DocumentStore {
  /** The stored TIFFs and PDFs, for the re-encryption after a key rotation. */
  readonly reencryptable: ReencryptableStore;
  /** The plain-copy directory, shared with the page image cache. */
  readonly plainFiles: PlainFiles;
  readonly sealing: Sealing;
}

/** The AAD of a stored file: the document id, and the rendition for the PDF, so files cannot be swapped. */
export const documentAad = (sha256: string, rendition: Rendition) => (rendition === 'image/tiff' ? `sha256-${sha256}` : `sha256-${sha256}.pdf`);

/**
 * Content-addressed documents on the local disk: `<root>/<2 hex>/<sha256>.tif` plus a JSON sidecar
 * and a PDF rendition made on first use. The TIFF and the PDF are sealed under the key ring
 * (AES-256-GCM, bound to the document id); the sidecar holds only id, size and page count and stays
 * plain. Files are written to a temporary name and linked into place, so a crash never leaves a
 * half-written document under its final name, and an existing document is never overwritten
 * (except by the re-encryption, which replaces a file by the same content under a newer key).
 */
export function createFileDocumentStore(root: string, options: FileDocumentStoreOptions = {}): FileDocumentStore {
  const syncToDisk = options.syncToDisk ?? fsyncPath;
  const ring = options.keyRing ?? noKeys;
  const encrypt = options.encrypt ?? (() => options.keyRing !== undefined);
  const sealing: Sealing = { ring, seal: () => options.keyRing !== undefined && encrypt() };
  const plainFiles = createPlainFiles(options.plainDir ?? join(root, 'plain'), options.instanceTag ?? 'local');
  const handedOver = createHandedOverCopies(plainFiles, options.handedOverKeepMs);
  const base = (sha256: string) => join(root, sha256.slice(0, 2), sha256);
  /** Documents placed whose fsyncs are still running, by sha256. */
  const syncing = new Map<string, Promise<void>>();
  const renderOnce = createSingleFlight<string>();

  // Documents never change, so their descriptions can be remembered (bounded; emptied when full).
  const descriptions = new Map<string, StoredDocument>();
  async function readDescription(id: string): Promise<StoredDocument | undefined> {
    const known = descriptions.get(id);
    if (known) return known;
    const sha256 = shaOf(id);
    if (!sha256 || !existsSync(`${base(sha256)}.json`)) return undefined;
    return remember(JSON.parse(await readFile(`${base(sha256)}.json`, 'utf8')) as StoredDocument);
  }
  function remember(document: StoredDocument): StoredDocument {
    if (descriptions.size >= 10_000) descriptions.clear();
    descriptions.set(document.id, document);
    return document;
  }

  async function described(id: string): Promise<StoredDocument> {
    const document = await readDescription(id);
    if (!document) throw new UnreadableDocumentError(`document ${id} not found`);
    return document;
  }

  /** The stored file of a rendition (sealed or plain), rendering the PDF on first use. */
  async function storedFile(document: StoredDocument, rendition: Rendition): Promise<string> {
    if (rendition === 'image/tiff') return `${base(document.sha256)}.tif`;
    // One rendering per document even when several requests ask at once.
    return renderOnce(document.sha256, () => renderPdf(document));
  }

  /** tiff2pdf reads and writes plain files: both are private copies, deleted at once; the PDF is stored sealed. */
  async function renderPdf(document: StoredDocument): Promise<string> {
    const pdf = `${base(document.sha256)}.pdf`;
    if (existsSync(pdf)) return pdf;
    const tiff = await plainFiles.write(await openRendition(document, 'image/tiff'), '.tif');
    const output = plainFiles.scratchPath('.pdf');
    try {
      await tiffToPdf(tiff.path, output);
      placeOnceSync(pdf, sealBytes(sealing, await readFile(output), documentAad(document.sha256, 'application/pdf')));
    } finally {
      await Promise.all([tiff.release(), rm(output, { force: true })]);
    }
    return pdf;
  }

  async function openRendition(document: StoredDocument, rendition: Rendition, whileReading?: () => void): Promise<Buffer> {
    const path = await storedFile(document, rendition);
    return readOpened(ring, path, documentAad(document.sha256, rendition), `document ${document.id} (${rendition})`, whileReading).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UnreadableDocumentError(`document ${document.id}: ${rendition} file missing`);
      throw error;
    });
  }

  const reencryptable = sealedFileSet({
    name: 'documents',
    root,
    sealing,
    aadOf(name) {
      const match = /^([0-9a-f]{64})\.(tif|pdf)$/.exec(name);
      return match ? documentAad(match[1]!, match[2] === 'tif' ? 'image/tiff' : 'application/pdf') : undefined;
    },
    ...(options.logger ? { logger: options.logger } : {}),
  });

  const store: FileDocumentStore = {
    reencryptable,
    plainFiles,
    sealing,
    async putTiff(path, putOptions) {
      const document = await storeTiff(path);
      if (putOptions?.handOver) handedOver.keep(document.id, path);
      return document;
    },

    get: readDescription,

    async read(id, rendition, options) {
      return openRendition(await described(id), rendition, options?.whileReading);
    },

    async openPlainFile(id, rendition) {
      return (rendition === 'image/tiff' ? handedOver.take(id) : undefined) ?? writePlainCopy(id, rendition);
    },

    async withPlainFile(id, rendition, use) {
      // A copy of its own: a handed-over copy is kept for the call that sends the document.
      const file = await writePlainCopy(id, rendition);
      try {
        return await use(file.path);
      } finally {
        await file.release();
      }
    },

    async remove(id) {
      const sha256 = shaOf(id);
      if (!sha256) return;
      descriptions.delete(id);
      await handedOver.drop(id);
      // The sidecar last: a document is stored as long as its sidecar is there.
      await Promise.all([rm(`${base(sha256)}.tif`, { force: true }), rm(`${base(sha256)}.pdf`, { force: true })]);
      await rm(`${base(sha256)}.json`, { force: true });
      if (options.pageImagesDir) {
        const directory = join(options.pageImagesDir, sha256.slice(0, 2));
        const names = await readdir(directory).catch(() => [] as string[]);
        await Promise.all(names.filter((name) => name.startsWith(`${sha256}-`)).map((name) => rm(join(directory, name), { force: true })));
      }
    },
  };
  return store;

  async function writePlainCopy(id: string, rendition: Rendition) {
    return plainFiles.write(await store.read(id, rendition), rendition === 'image/tiff' ? '.tif' : '.pdf');
  }

  async function storeTiff(path: string): Promise<StoredDocument> {
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
    // The same bytes put a moment ago (two identical faxes at once): their files exist but may
    // not be on disk yet, so this caller waits for the same fsyncs.
    const settling = syncing.get(sha256);
    if (settling) await settling;
    // Remembered once stored: the fax's call reads the document next (a sidecar read saved per fax sent).
    if (settling || existsSync(`${target}.json`)) return remember(document);
    mkdirSync(dirname(target), { recursive: true });
    const placed = [placeOnceSync(`${target}.tif`, sealBytes(sealing, bytes, documentAad(sha256, 'image/tiff'))), placeOnceSync(`${target}.json`, JSON.stringify(document))];
    if (!placed.some(Boolean)) return document;
    // On disk before the caller records it: the event naming this document is made durable by the
    // event store's fsync, so the files and their directory entries must be too, or a power loss
    // could leave a FaxReceived whose TIFF is empty. The fsyncs run on the thread pool, side by side.
    const durable = Promise.all([`${target}.tif`, `${target}.json`, dirname(target)].map((path) => syncToDisk(path))).then(() => undefined);
    syncing.set(sha256, durable);
    try {
      await durable;
    } catch (error) {
      // Not known to be on disk: without its sidecar the next put of these bytes places and syncs it again.
      rmSync(`${target}.json`, { force: true });
      throw error;
    } finally {
      syncing.delete(sha256);
    }
    return remember(document);
  }
}

/** Reads nothing sealed: a store without a ring writes plain files and reports sealed ones as unreadable. */
const noKeys: KeyRing = createKeyRing([{ id: 'none', key: Buffer.alloc(32) }]);

/**
 * Writes a file under a unique temporary name, then links it to its final name, which fails if the
 * name exists: concurrent writers of the same content (two identical faxes at once) never clash,
 * and an existing document is never replaced.
 */
function placeOnceSync(final: string, content: Buffer | string): boolean {
  if (existsSync(final)) return false;
  const temporary = `${final}.${randomUUID()}.tmp`;
  try {
    writeFileSync(temporary, content, { mode: 0o600 });
    linkUnlessExists(temporary, final);
    return true;
  } finally {
    rmSync(temporary, { force: true });
  }
}

/**
 * fsync of a file or a directory (its entries). Only the fsync goes to the thread pool: opening and
 * closing are microseconds on the event loop, and as thread-pool steps of their own each waited
 * behind the other faxes' fsyncs (three waits per file instead of one).
 */
function fsyncPath(path: string): Promise<void> {
  const fd = openSync(path, 'r');
  return new Promise((resolve, reject) => {
    fsync(fd, (error) => {
      closeSync(fd);
      if (error) reject(error);
      else resolve();
    });
  });
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
