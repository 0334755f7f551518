import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli } from '../support/cliProcess.js';
import { freePort } from '../support/freePort.js';
import { makeTempDir } from '../support/tempDir.js';

const adminKey = 'reload-admin-key-0123456789';
const admin = `Basic ${Buffer.from(`admin:${adminKey}`).toString('base64')}`;
const keyLine = (id: string) => `${id} ${randomBytes(32).toString('base64')}\n`;

describe('faxengine serve reloads its key ring on SIGHUP', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('takes a rotated key file without a restart, and keeps its ring when the new file is unusable', async () => {
    const dir = makeTempDir('sighup');
    cleanups.push(dir.remove);
    const keyFile = join(dir.path, 'keys');
    writeFileSync(keyFile, keyLine('k1'), { mode: 0o600 });
    const data = join(dir.path, 'data');
    const cli = startCli(['serve'], {
      cwd: dir.path,
      env: {
        FAXENGINE_DATA_DIR: data,
        FAXENGINE_HTTP_LISTEN: '127.0.0.1:0',
        FAXENGINE_SOCKET_LISTEN: '127.0.0.1:0',
        FAXENGINE_FREESWITCH_ESL: `127.0.0.1:${await freePort()}`,
        FAXENGINE_ADMIN_API_KEY: adminKey,
        FAXENGINE_ENCRYPTION_KEY_FILE: keyFile,
        FAXENGINE_LOG_LEVEL: 'info',
      },
    });
    cleanups.push(() => cli.child.kill('SIGKILL'));
    const http = Number((JSON.parse(await cli.waitForLine((line) => line.includes('HTTP API listening'))) as { address: string }).address.split(':').at(-1));
    const status = async () => (await (await fetch(`http://127.0.0.1:${http}/v1/admin/encryption`, { headers: { authorization: admin } })).json()) as { currentKey: string; keys: Array<{ id: string }> };
    expect(await status()).toMatchObject({ currentKey: 'k1' });

    writeFileSync(keyFile, keyLine('k2') + readFileSync(keyFile, 'utf8'));
    cli.child.kill('SIGHUP');
    await cli.waitForLine((line) => line.includes('SIGHUP: key ring reloaded'));
    expect(await status()).toMatchObject({ currentKey: 'k2', keys: [{ id: 'k2' }, { id: 'k1' }] });

    writeFileSync(keyFile, 'k3 not-a-key\n');
    cli.child.kill('SIGHUP');
    expect(await cli.waitForLine((line) => line.includes('SIGHUP: key ring not reloaded'))).toMatch(/line 1: key k3 must be the base64 of 32 bytes/);
    expect(await status()).toMatchObject({ currentKey: 'k2' });

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });
});
