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

/** Every place two JSON documents differ: the path and both values. */
function differences(live: unknown, rebuilt: unknown, path = ''): Array<{ path: string; live: unknown; rebuilt: unknown }> {
  if (JSON.stringify(live) === JSON.stringify(rebuilt)) return [];
  if (live && rebuilt && typeof live === 'object' && typeof rebuilt === 'object' && !Array.isArray(live) && !Array.isArray(rebuilt)) {
    const keys = new Set([...Object.keys(live), ...Object.keys(rebuilt)]);
    return [...keys].flatMap((key) => differences((live as Record<string, unknown>)[key], (rebuilt as Record<string, unknown>)[key], `${path}.${key}`));
  }
  return [{ path: path || '(document)', live, rebuilt }];
}

/**
 * Copies the event store of a stopped faxengine to `workDir`, runs `faxengine projections rebuild`
 * there (the real command, in a child process), and compares the rebuilt read store with the live
 * one in `dataDir`: every document and every checkpoint. Answers one line per difference.
 */
export async function compareRebuiltReadModels(dataDir: string, workDir: string, timeoutMs = 60_000): Promise<string[]> {
  mkdirSync(workDir, { recursive: true });
  // The personal-data keys and the key ring that wraps them come along: the rebuild opens what the server opened.
  for (const name of ['', '-wal', '-shm', '-keys'].map((suffix) => `events.sqlite${suffix}`).concat('encryption.keys')) {
    const file = join(dataDir, name);
    if (existsSync(file)) copyFileSync(file, join(workDir, name));
  }
  const cli = startCli(['projections', 'rebuild'], { cwd: workDir, env: { FAXENGINE_DATA_DIR: workDir, FAXENGINE_LOG_LEVEL: 'warn' } });
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), timeoutMs);
  const status = await cli.exited.finally(() => clearTimeout(timer));
  if (status !== 0) return [`projections rebuild exited with ${status}: ${cli.stderr().slice(-2000)}`];

  const live = dump(dataDir);
  const rebuilt = dump(workDir);
  const found: string[] = [];
  const key = (doc: ReadStoreDump['documents'][number]) => `${doc.projection}/${doc.collection}/${doc.key}`;
  const rebuiltDocs = new Map(rebuilt.documents.map((doc) => [key(doc), doc.doc]));
  const liveDocs = new Map(live.documents.map((doc) => [key(doc), doc.doc]));
  // Documents that differ in the same fields are one finding: counted, with the first as example.
  const groups = new Map<string, { count: number; example: string }>();
  for (const [name, doc] of liveDocs) {
    const other = rebuiltDocs.get(name);
    if (other === undefined) found.push(`read model ${name}: live only (not rebuilt)`);
    if (other === undefined || other === doc) continue;
    const diff = differences(JSON.parse(doc), JSON.parse(other));
    const collection = name.split('/').slice(0, 2).join('/');
    const group = `${collection} differing in ${diff.map((item) => item.path).join(', ')}`;
    const example = `${name}: ${diff.map((item) => `${item.path} live ${JSON.stringify(item.live)} → rebuilt ${JSON.stringify(item.rebuilt)}`).join('; ')}`;
    const known = groups.get(group);
    groups.set(group, { count: (known?.count ?? 0) + 1, example: known?.example ?? example });
  }
  for (const [group, { count, example }] of groups) found.push(`${count} document(s) of ${group}, e.g. ${example}`);
  for (const name of rebuiltDocs.keys()) if (!liveDocs.has(name)) found.push(`read model ${name}: rebuilt only (missing live)`);
  const checkpoints = (value: ReadStoreDump) => JSON.stringify(value.checkpoints);
  if (checkpoints(live) !== checkpoints(rebuilt)) found.push(`checkpoints: live ${checkpoints(live)} → rebuilt ${checkpoints(rebuilt)}`);
  return found;
}
