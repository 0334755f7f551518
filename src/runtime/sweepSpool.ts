import { readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Logger } from 'pino';
import { faxStream } from '../domain/streams.js';
import type { EventStore } from '../ports/eventStore.js';

/**
 * Outcomes that name the stored document after spandsp's result: rxfax was done with the file.
 * An interrupted fax's file is kept: FreeSWITCH may have gone on writing pages into it.
 */
const keptDocument = new Set(['FaxReceived', 'FaxReceiveFailed']);

/**
 * Removes spool files left behind by an earlier process (it stopped between storing a document
 * and removing its spool copy): only those of faxes whose stream says the call ended and names the
 * stored document. Files of faxes still open are kept — restart reconciliation reads them — and so
 * are those of faxes that ended without a document or interrupted (nothing else holds all pages).
 */
export async function sweepSpool(deps: { spoolDir: string; eventStore: EventStore; logger: Logger }): Promise<number> {
  const files = (await readdir(deps.spoolDir).catch(() => [] as string[])).filter((name) => name.endsWith('.tif'));
  let removed = 0;
  for (const name of files) {
    const faxId = basename(name, '.tif');
    const events = await deps.eventStore.readStream(faxStream(faxId));
    const ended = events.some((event) => event.type === 'FaxCallEnded');
    const stored = events.some((event) => keptDocument.has(event.type) && (event.data as { documentId?: string }).documentId !== undefined);
    if (!ended || !stored) continue;
    await rm(join(deps.spoolDir, name), { force: true });
    removed += 1;
  }
  if (removed > 0) deps.logger.info({ removed }, 'removed spool files of faxes already stored as documents');
  return removed;
}
