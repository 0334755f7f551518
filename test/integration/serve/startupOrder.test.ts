import { readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { createSimulator, type Simulator } from '../../../src/sim/simulator.js';
import { startCli } from '../../support/cliProcess.js';
import { makeTempDir } from '../../support/tempDir.js';

/** Every file under `dir` with its size and modification time: what "nothing was written" compares. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const stat = statSync(path);
    files[path.slice(dir.length)] = entry.isDirectory() ? 'dir' : `${stat.size}@${stat.mtimeMs}`;
  }
  return files;
}

function occupy(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
const portOf = (server: Server) => (server.address() as { port: number }).port;

describe('faxengine serve on a busy port', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(): Promise<{ dataDir: string; sim: Simulator; busy: number; before: Record<string, string> }> {
    const dir = makeTempDir('busy');
    cleanups.push(dir.remove);
    // A data directory that an earlier faxengine left behind, with an event in its store.
    const store = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    await store.append('fax-earlier', [{ type: 'FaxQueued', data: { faxId: 'earlier' } }]);
    await store.close();
    const sim = await createSimulator({ listen: { host: '127.0.0.1', port: 0 } });
    cleanups.push(() => sim.close());
    const blocker = await occupy();
    cleanups.push(() => new Promise((resolve) => blocker.close(resolve)));
    return { dataDir: dir.path, sim, busy: portOf(blocker), before: snapshot(dir.path) };
  }

  const cases = [
    { key: 'http.listen', env: 'FAXENGINE_HTTP_LISTEN', other: 'FAXENGINE_SOCKET_LISTEN' },
    { key: 'socket.listen', env: 'FAXENGINE_SOCKET_LISTEN', other: 'FAXENGINE_HTTP_LISTEN' },
  ];
  it.each(cases)('stops before touching the store or FreeSWITCH when $key is in use: one line, exit 2', async ({ key, env, other }) => {
    const { dataDir, sim, busy, before } = await setUp();
    const cli = startCli(['serve'], {
      cwd: dataDir,
      env: {
        FAXENGINE_DATA_DIR: dataDir,
        [env]: `127.0.0.1:${busy}`,
        [other]: '127.0.0.1:0',
        FAXENGINE_FREESWITCH_ESL: `127.0.0.1:${sim.eslAddress.port}`,
      },
    });
    cleanups.push(() => cli.child.kill('SIGKILL'));

    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toBe(`faxengine serve: ${key} 127.0.0.1:${busy} is already in use\n`);
    expect(cli.stdout()).not.toContain('EADDRINUSE');
    // Nothing happened: FreeSWITCH was never asked anything, and the data directory is as it was.
    expect(sim.connections()).toEqual([]);
    expect(snapshot(dataDir)).toEqual(before);
    const store = createSqliteEventStore({ path: join(dataDir, 'events.sqlite') });
    cleanups.push(() => store.close());
    expect((await store.readAll()).map((event) => event.stream)).toEqual(['fax-earlier']);
  });
});
