import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli, type CliProcess } from '../../support/cliProcess.js';
import { makeTempDir } from '../../support/tempDir.js';

describe('the first start without an admin key', () => {
  const cleanups: Array<() => void> = [];
  const running: CliProcess[] = [];
  afterEach(() => {
    for (const cli of running.splice(0)) cli.child.kill('SIGKILL');
    cleanups.splice(0).forEach((cleanup) => cleanup());
  });

  async function serve(dataDir: string, env: NodeJS.ProcessEnv = {}) {
    const cli = startCli(['serve'], {
      cwd: dataDir,
      env: { FAXENGINE_DATA_DIR: dataDir, FAXENGINE_HTTP_LISTEN: '127.0.0.1:0', FAXENGINE_SOCKET_LISTEN: '127.0.0.1:0', FAXENGINE_FREESWITCH_ESL: '127.0.0.1:1', ...env },
    });
    running.push(cli);
    const line = await cli.waitForLine((text) => text.includes('HTTP API listening'), 60_000);
    const base = `http://127.0.0.1:${Number((JSON.parse(line) as { address: string }).address.split(':').at(-1))}`;
    const tenants = (key: string) => fetch(`${base}/v1/tenants`, { headers: { authorization: `Basic ${Buffer.from(`admin:${key}`).toString('base64')}` } });
    const stop = async () => {
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
    };
    return { cli, base, tenants, stop };
  }

  it('generates a key into <dataDir>/admin-api-key (0600), shows it once with the next steps, and keeps it', async () => {
    const dir = makeTempDir('first-start');
    cleanups.push(dir.remove);
    const first = await serve(dir.path);
    // The message follows the listening line; give stderr a moment to arrive.
    const deadline = Date.now() + 10_000;
    while (!first.cli.stderr().includes('admin API key:') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const key = /admin API key: (\S+)/.exec(first.cli.stderr())?.[1];
    expect(key).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const file = join(dir.path, 'admin-api-key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.cli.stderr()).toContain(file);
    expect(first.cli.stderr()).toContain(`curl -u admin:$FAXENGINE_ADMIN_API_KEY`);
    expect(first.cli.stderr()).toMatch(/web console: +http:\/\/[^ ]+\/ /);
    expect(first.cli.stdout()).not.toContain(key!);
    expect((await first.tenants(key!)).status).toBe(200);
    expect((await first.tenants('not the key at all')).status).toBe(401);
    await first.stop();

    const second = await serve(dir.path);
    expect((await second.tenants(key!)).status).toBe(200);
    await second.stop();
    expect(second.cli.stderr()).not.toContain(key!);

    // The configuration still wins over the kept key.
    const configured = await serve(dir.path, { FAXENGINE_ADMIN_API_KEY: 'configured-key-0123456789' });
    expect((await configured.tenants('configured-key-0123456789')).status).toBe(200);
    expect((await configured.tenants(key!)).status).toBe(401);
    await configured.stop();
  });

  it('leaves the admin API off with admin.generateApiKey false, and sends / to the docs', async () => {
    const dir = makeTempDir('first-start');
    cleanups.push(dir.remove);
    const server = await serve(dir.path, { FAXENGINE_ADMIN_GENERATE_API_KEY: 'false' });
    expect((await server.tenants('whatever key 0123456789')).status).toBe(503);
    const root = await fetch(`${server.base}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/docs');
    await server.stop();
    expect(server.cli.stderr()).not.toContain('admin API key');
  });
});
