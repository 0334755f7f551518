import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli, type CliProcess } from '../../support/cliProcess.js';
import { makeTempDir } from '../../support/tempDir.js';

describe('faxengine serve', () => {
  const cleanups: Array<() => void> = [];
  const running: CliProcess[] = [];
  afterEach(() => {
    for (const process of running.splice(0)) process.child.kill('SIGKILL');
    cleanups.splice(0).forEach((cleanup) => cleanup());
  });
  function tempCwd(): string {
    const dir = makeTempDir('serve');
    cleanups.push(dir.remove);
    return dir.path;
  }

  async function listeningPort(cli: CliProcess): Promise<number> {
    const line = await cli.waitForLine((candidate) => candidate.includes('HTTP API listening'));
    return Number((JSON.parse(line) as { address: string }).address.split(':').at(-1));
  }

  it('starts on the embedded defaults under ./data, answers /healthz and /readyz, and exits 0 on SIGTERM', async () => {
    const cwd = tempCwd();
    const cli = startCli(['serve'], {
      cwd,
      env: {
        FAXENGINE_HTTP_LISTEN: '127.0.0.1:0',
        FAXENGINE_SOCKET_LISTEN: '127.0.0.1:0',
        FAXENGINE_FREESWITCH_PASSWORD: 'esl-secret-value',
        FAXENGINE_ADMIN_API_KEY: 'admin-secret-0123456789',
      },
    });
    running.push(cli);
    const port = await listeningPort(cli);

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    // No FreeSWITCH here: alive, but not ready to send or receive a fax.
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ dependencies: { eventStore: 'ok', freeswitchControl: 'unreachable', freeswitchDialer: 'unreachable' } });
    expect(existsSync(join(cwd, 'data', 'events.sqlite'))).toBe(true);

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    const logs = cli.stdout();
    expect(logs).toContain('"msg":"starting faxengine"');
    expect(logs).toContain('"msg":"faxengine stopped"');
    expect(logs).not.toContain('esl-secret-value');
    expect(logs).not.toContain('admin-secret-0123456789');
    expect(logs).toContain('"password":"********"');
  });

  it('stops accepting requests after SIGINT', async () => {
    const cli = startCli(['serve'], { cwd: tempCwd(), env: { FAXENGINE_HTTP_LISTEN: '127.0.0.1:0', FAXENGINE_SOCKET_LISTEN: '127.0.0.1:0' } });
    running.push(cli);
    const port = await listeningPort(cli);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('exits non-zero with one line naming the invalid key', async () => {
    const cli = startCli(['serve'], { cwd: tempCwd(), env: { FAXENGINE_HTTP_LISTEN: 'localhost' } });
    expect(await cli.exited).toBe(2);
    expect(cli.stderr().trim()).toBe(
      'faxengine serve: invalid configuration: http.listen (FAXENGINE_HTTP_LISTEN): expected host:port, e.g. 127.0.0.1:8080',
    );
  });

  it('prints help and version, and rejects unknown commands', async () => {
    const help = startCli(['--help']);
    expect(await help.exited).toBe(0);
    expect(help.stdout()).toContain('serve');
    const version = startCli(['--version']);
    expect(await version.exited).toBe(0);
    expect(version.stdout().trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const unknown = startCli(['frobnicate']);
    expect(await unknown.exited).toBe(2);
    expect(unknown.stderr()).toContain('unknown command "frobnicate"');
  });
});
