import { readdir } from 'node:fs/promises';
import { basename } from 'node:path';
import { purgeStateOf } from '../domain/fax/purgeDecision.js';
import { faxStream } from '../domain/streams.js';
import type { EventStore } from '../ports/eventStore.js';
import type { FaxFileEraser } from '../ports/faxFileEraser.js';

/**
 * Removes this instance's spool files of faxes already purged. The spool directory is each
 * instance's own (`fax.spoolDir`, default `<dataDir>/spool`), while the purge runner runs on one
 * instance: a file left on another (an interrupted fax keeps its spool file) goes at that
 * instance's next look. The spool holds only the few files of such faxes, so each look is short.
 */
export async function removePurgedSpoolFiles(deps: { spoolDir: string; eventStore: EventStore; files: Pick<FaxFileEraser, 'eraseSpool'> }): Promise<number> {
  const names = (await readdir(deps.spoolDir).catch(() => [] as string[])).filter((name) => name.endsWith('.tif'));
  let removed = 0;
  for (const name of names) {
    const faxId = basename(name, '.tif');
    if (purgeStateOf(await deps.eventStore.readStream(faxStream(faxId))) !== 'purged') continue;
    await deps.files.eraseSpool(faxId);
    removed++;
  }
  return removed;
}
