import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FaxView } from '../../../projections/faxProjection.js';
import { createSqliteReadStore } from '../../../src/adapters/readStore/sqliteReadStore.js';
import { foldedFaxView, type FaxHistoryOptions } from '../../support/faxHistory.js';
import { makeTempDir } from '../../support/tempDir.js';

/**
 * Names SQLite creates in `dir` while `work` runs (each is unlinked at once: only inotify sees it).
 * The test points this process's SQLite at a folder of its own (`temp_store_directory`, a
 * process-wide setting), so other processes' temporary files cannot be mistaken for ours.
 */
async function temporaryFilesDuring(dir: string, work: () => unknown): Promise<string[]> {
  const seen: string[] = [];
  const watcher: FSWatcher = watch(dir, (_event, name) => name?.startsWith('etilqs_') && seen.push(name));
  try {
    work();
    // inotify's events arrive through the event loop.
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    watcher.close();
  }
  return seen;
}

const history: FaxHistoryOptions = { faxes: 600, tenants: 4, years: 1, seed: 11 };

/**
 * A busy moment of the fax read model, as the projection runner commits it: many faxes' rows
 * rewritten in one transaction, each row's statement changing pages (its indexes', the text
 * index's) that earlier statements of the transaction already changed. Each such statement keeps
 * those pages' earlier versions in a statement journal, which SQLite spills to a file past 64 KB.
 */
describe('SQLite temporary files of the read store', () => {
  const dirs: Array<{ remove(): void }> = [];
  const sqliteTemp = makeTempDir('sqlite-temp-files');
  const setTempDirectory = (path: string) => new Database(':memory:').pragma(`temp_store_directory = '${path}'`);
  beforeAll(() => setTempDirectory(sqliteTemp.path));
  afterAll(() => {
    setTempDirectory('');
    sqliteTemp.remove();
  });
  afterEach(() => {
    for (const dir of dirs.splice(0)) dir.remove();
  });

  function storeWithFaxes() {
    const dir = makeTempDir('sqlite-temp');
    dirs.push(dir);
    const path = join(dir.path, 'readmodels.sqlite');
    const store = createSqliteReadStore({ path });
    const faxes = Array.from({ length: history.faxes }, (_, index) => foldedFaxView(index, history));
    store.commit([{ projection: 'faxes', writes: faxes.map((fax) => ({ collection: 'faxes', key: fax.faxId, doc: fax })), checkpoint: 1 }]);
    store.caughtUp();
    return { store, path, faxes };
  }
  /** Every fax's numbers and ident changed, as pages and retries change them. */
  const rewritten = (fax: FaxView, round: number): FaxView => ({ ...fax, from: `1555${round}${fax.faxId.slice(-6)}`, remoteIdent: `STATION ${round} ${fax.faxId.slice(-4)}` }) as FaxView;

  it('spill to a file from a connection with the defaults (so the watch can see them)', async () => {
    const { store, path, faxes } = storeWithFaxes();
    store.close();
    const db = new Database(path);
    const update = db.prepare('UPDATE faxes SET search_text = ? WHERE fax_id = ?');
    const seen = await temporaryFilesDuring(sqliteTemp.path, () => db.transaction(() => faxes.forEach((fax, index) => update.run(`changed ${index} ${fax.faxId}`, fax.faxId)))());
    db.close();
    expect(seen.length).toBeGreaterThan(0);
  });

  it('stay in memory for the read store: a commit rewriting hundreds of faxes creates no temp file', async () => {
    const { store, faxes } = storeWithFaxes();
    const seen = await temporaryFilesDuring(sqliteTemp.path, () =>
      store.commit([{ projection: 'faxes', writes: faxes.map((fax) => ({ collection: 'faxes', key: fax.faxId, doc: rewritten(fax, 2) })), checkpoint: 2 }]),
    );
    expect(store.faxes.find(faxes[0]!.faxId)?.remoteIdent).toBe(rewritten(faxes[0]!, 2).remoteIdent);
    store.close();
    expect(seen).toEqual([]);
  });
});
