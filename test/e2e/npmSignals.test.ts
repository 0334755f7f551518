import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/tempDir.js';

const root = new URL('../..', import.meta.url).pathname;

/** Every process below `pid`, from /proc (children first found, then theirs). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // `pid (comm) state ppid …`; comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // It ended while we looked.
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// The README's ways to run the server, through npm: SIGTERM to what was started must stop faxengine,
// not leave node serving as an orphan (npm → sh -c → node: the shell dies and passes nothing on).
describe.each([
  ['npm start', 'npm', ['start']],
  ['npx faxengine serve', 'npx', ['faxengine', 'serve']],
])('SIGTERM to `%s`', (_, command, args) => {
  const started: Array<{ npm: ChildProcess; tree: number[] }> = [];
  afterEach(() => {
    for (const { npm, tree } of started.splice(0)) for (const pid of [npm.pid!, ...tree]) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });

  it('stops the node process it started: the HTTP port closes and no process of the tree is left', async () => {
    const dir = makeTempDir('npm-signals');
    try {
      const npm = spawn(command, args, {
        cwd: root,
        env: {
          ...process.env,
          FAXENGINE_DATA_DIR: dir.path,
          FAXENGINE_HTTP_LISTEN: '127.0.0.1:0',
          FAXENGINE_SOCKET_LISTEN: '127.0.0.1:0',
          // Nothing listens there: faxengine runs, retrying FreeSWITCH, as on a first start.
          FAXENGINE_FREESWITCH_ESL: '127.0.0.1:1',
          FAXENGINE_LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const entry = { npm, tree: [] as number[] };
      started.push(entry);
      let out = '';
      npm.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
      npm.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));

      await until(() => out.includes('HTTP API listening'), 60_000, `the server to start; output:\n${out}`);
      const line = out.split('\n').find((text) => text.includes('HTTP API listening'))!;
      const port = Number((JSON.parse(line) as { address: string }).address.split(':').at(-1));
      entry.tree = descendants(npm.pid!);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

      npm.kill('SIGTERM');
      await until(
        () => fetch(`http://127.0.0.1:${port}/healthz`).then(() => false, () => true),
        30_000,
        'the HTTP port to close after SIGTERM',
      );
      await until(() => entry.tree.every((pid) => !alive(pid)), 30_000, `every process of the tree (${entry.tree.join(', ')}) to end`);
      await exited;
      expect(out).toContain('faxengine stopped');
    } finally {
      dir.remove();
    }
  }, 120_000);
});
