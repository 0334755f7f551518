import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DocumentStore } from '../../ports/documentStore.js';
import type { FaxFileEraser } from '../../ports/faxFileEraser.js';

/**
 * The file document store's layout (`<documentsDir>/<2 hex>/<sha256>.*`), the page image cache's
 * (`<pageImagesDir>/<2 hex>/<sha256>-<page>-<width>w.png`) and the spool's (`<spoolDir>/<faxId>.tif`).
 * A document's files are found by their common name prefix, so renditions and temporary copies
 * (and any other suffix a store adds) go with it.
 */
export function createFileEraser(dirs: { documentsDir: string; pageImagesDir: string; spoolDir: string }, documents?: Pick<DocumentStore, 'remove'>): FaxFileEraser {
  async function removePrefixed(directory: string, prefix: string): Promise<void> {
    const names = await readdir(directory).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    await Promise.all(names.filter((name) => name.startsWith(prefix)).map((name) => rm(join(directory, name), { force: true })));
  }
  return {
    async eraseDocument(documentId) {
      const sha256 = /^sha256-([0-9a-f]{64})$/.exec(documentId)?.[1];
      // Not a content address: nothing of ours is named after it (and a path must never come from it).
      if (!sha256) return;
      // Through the store first, so it forgets what it remembers of the document too.
      await documents?.remove(documentId);
      const shard = sha256.slice(0, 2);
      await removePrefixed(join(dirs.documentsDir, shard), sha256);
      await removePrefixed(join(dirs.pageImagesDir, shard), `${sha256}-`);
    },
    async eraseSpool(faxId) {
      if (!/^[A-Za-z0-9._-]+$/.test(faxId) || faxId.startsWith('.')) return;
      await rm(join(dirs.spoolDir, `${faxId}.tif`), { force: true });
    },
  };
}
