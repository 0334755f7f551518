import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createSqliteReadStore } from '../../src/adapters/readStore/sqliteReadStore.js';
import type { ReadStoreDump } from '../../src/ports/readStore.js';
import { startCli } from './cliProcess.js';

function dump(dataDir: string): ReadStoreDump {
  const store = createSqliteReadStore({ path: join(dataDir, 'readmodels.sqlite') });
  try {
    return store.dump();
  } finally {
    store.close();
  }
}

/** The first place two JSON documents differ, as `path: live → rebuilt`. */
function firstDifference(live: unknown, rebuilt: unknown, path = ''): string {
  if (JSON.stringify(live) === JSON.stringify(rebuilt)) return '';
  if (live && rebuilt && typeof live === 'object' && typeof rebuilt === 'object' && !Array.isArray(live) && !Array.isArray(rebuilt)) {
    const keys = new Set([...Object.keys(live), ...Object.keys(rebuilt)]);
    for (const key of keys) {
      const found = firstDifference((live as Record<string, unknown>)[key], (rebuilt as Record<string, unknown>)[key], `${path}.${key}`);
      if (found) return found;
    }
  }
  return `${path || '(document)'}: ${JSON.stringify(live)} → ${JSON.stringify(rebuilt)}`;
}

/**
 * Copies the event store of a stopped faxengine to `workDir`, runs `faxengine projections rebuild`
 * there (the real command, in a child process), and compares the rebuilt read store with the live
 * one in `dataDir`: every document and every checkpoint. Answers one line per difference.
 */
export async function compareRebuiltReadModels(dataDir: string, workDir: string, timeoutMs = 60_000): Promise<string[]> {
  mkdirSync(workDir, { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) {
    const file = join(dataDir, `events.sqlite${suffix}`);
    if (existsSync(file)) copyFileSync(file, join(workDir, `events.sqlite${suffix}`));
  }
  const cli = startCli(['projections', 'rebuild'], { cwd: workDir, env: { FAXENGINE_DATA_DIR: workDir, FAXENGINE_LOG_LEVEL: 'warn' } });
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), timeoutMs);
  const status = await cli.exited.finally(() => clearTimeout(timer));
  if (status !== 0) return [`projections rebuild exited with ${status}: ${cli.stderr().slice(-2000)}`];

  const live = dump(dataDir);
  const rebuilt = dump(workDir);
  const differences: string[] = [];
  const key = (doc: ReadStoreDump['documents'][number]) => `${doc.projection}/${doc.collection}/${doc.key}`;
  const rebuiltDocs = new Map(rebuilt.documents.map((doc) => [key(doc), doc.doc]));
  const liveDocs = new Map(live.documents.map((doc) => [key(doc), doc.doc]));
  for (const [name, doc] of liveDocs) {
    const other = rebuiltDocs.get(name);
    if (other === undefined) differences.push(`read model ${name}: live only (not rebuilt)`);
    else if (other !== doc) differences.push(`read model ${name}: ${firstDifference(JSON.parse(doc), JSON.parse(other))}`);
  }
  for (const name of rebuiltDocs.keys()) if (!liveDocs.has(name)) differences.push(`read model ${name}: rebuilt only (missing live)`);
  const checkpoints = (value: ReadStoreDump) => JSON.stringify(value.checkpoints);
  if (checkpoints(live) !== checkpoints(rebuilt)) differences.push(`checkpoints: live ${checkpoints(live)} → rebuilt ${checkpoints(rebuilt)}`);
  return differences;
}
