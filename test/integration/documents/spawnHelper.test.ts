import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSpawnHelper, type SpawnHelper } from '../../../src/adapters/documents/spawnHelper.js';
import { isAlive } from '../../support/processAlive.js';
import { makeTempDir } from '../../support/tempDir.js';

const pidIn = (path: string) => {
  try {
    return Number(readFileSync(path, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
};

const helperModule = new URL('../../../src/adapters/documents/spawnHelper.ts', import.meta.url).href;

describe('spawn helper (the small process that starts conversion programs)', () => {
  const helpers: SpawnHelper[] = [];
  const dirs: Array<{ remove(): void }> = [];
  afterEach(() => {
    for (const helper of helpers.splice(0)) helper.close();
    for (const dir of dirs.splice(0)) dir.remove();
  });

  it('fails the program it was running when it dies, naming itself, and the next program gets a new helper', async () => {
    const helper = createSpawnHelper();
    helpers.push(helper);
    const running = helper.run('sleep', ['30'], { timeoutMs: 60_000 });
    const first = helper.pid()!;
    expect(first).toBeGreaterThan(0);
    process.kill(first, 'SIGKILL');
    await expect(running).rejects.toThrow(/helper process that starts programs ended \(SIGKILL\)/);
    expect(await helper.run('sh', ['-c', 'echo again'], { timeoutMs: 5_000 })).toMatchObject({ exitCode: 0, stdout: 'again\n' });
    expect(helper.pid()).not.toBe(first);
  });

  it('ends after its idle time and starts again for the next program', async () => {
    const helper = createSpawnHelper({ idleStopMs: 100 });
    helpers.push(helper);
    await helper.run('true', [], { timeoutMs: 5_000 });
    const first = helper.pid()!;
    await expect.poll(() => isAlive(first), { timeout: 5_000 }).toBe(false);
    expect(helper.pid()).toBeUndefined();
    expect((await helper.run('true', [], { timeoutMs: 5_000 })).exitCode).toBe(0);
  });

  it('does not keep the process that uses it alive once its programs are done', async () => {
    const script = `const { createSpawnHelper } = await import(${JSON.stringify(helperModule)}); const result = await createSpawnHelper().run('sh', ['-c', 'echo ran'], { timeoutMs: 5_000 }); process.stdout.write(result.stdout);`;
    const user = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    user.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    // Long before the helper's idle stop (a minute): the event loop is empty once the program ran.
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the process did not exit on its own')), 15_000);
      user.once('exit', (exitCode) => (clearTimeout(timer), resolve(exitCode)));
    });
    expect({ code, out }).toEqual({ code: 0, out: 'ran\n' });
  });

  it('kills the program it runs when the server that asked for it is killed', async () => {
    const dir = makeTempDir('spawn-helper');
    dirs.push(dir);
    const pidFile = join(dir.path, 'program.pid');
    // A stand-in server: it asks its helper for a long program, then this test SIGKILLs it.
    const server = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', `const { createSpawnHelper } = await import(${JSON.stringify(helperModule)}); await createSpawnHelper().run('sh', ['-c', 'echo $$ > ${pidFile}; exec sleep 30'], { timeoutMs: 60_000 });`],
      { stdio: 'ignore' },
    );
    await expect.poll(() => pidIn(pidFile), { timeout: 15_000 }).toBeGreaterThan(0);
    const program = pidIn(pidFile)!;
    expect(isAlive(program)).toBe(true);
    server.kill('SIGKILL');
    await expect.poll(() => isAlive(program), { timeout: 5_000 }).toBe(false);
  });
});
