import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteReadStore } from '../../../src/adapters/readStore/sqliteReadStore.js';
import { runProjectionsCommand } from '../../../src/commands/projectionsCommand.js';
import { loadConfig } from '../../../src/config/loadConfig.js';
import { startServer, type RunningServer } from '../../../src/main.js';
import { adminKey, basic } from '../../support/tenancyHarness.js';

type Json = Record<string, any>;

/** Real server on port 0 with its own data dir, driven over HTTP. */
describe('tenancy across restarts (real listening server)', () => {
  let dir: string;
  let configPath: string;
  let server: RunningServer | undefined;
  const admin = basic('admin', adminKey);

  const start = async () => {
    const { config } = loadConfig({ configPath, env: {}, cwd: dir });
    server = await startServer(config, pino({ level: 'silent' }));
    return `http://127.0.0.1:${server.httpAddress.port}`;
  };
  const stop = async () => {
    await server?.close();
    server = undefined;
  };
  const call = async (base: string, method: string, path: string, body?: unknown, authorization = admin) => {
    const res = await fetch(base + path, { method, headers: { authorization, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
  };
  const dumpReadStore = () => {
    const store = createSqliteReadStore({ path: join(dir, 'readmodels.sqlite') });
    try {
      return store.dump();
    } finally {
      store.close();
    }
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'faxengine-tenancy-restart-'));
    configPath = join(dir, 'faxengine.json');
    writeFileSync(configPath, JSON.stringify({ dataDir: dir, http: { listen: '127.0.0.1:0' }, admin: { apiKey: adminKey }, log: { level: 'silent' } }));
  });
  afterEach(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps tenants, numbers, users, keys and endpoints over a restart, and a rebuild reproduces the read store', async () => {
    let base = await start();
    expect((await call(base, 'POST', '/admin/tenant', { name: 'Acme Corp', email: 'fax@acme.example' })).status).toBe(200);
    expect((await call(base, 'POST', '/v1/tenants', { name: 'Globex' })).status).toBe(201);
    expect((await call(base, 'POST', '/v1/tenants/1/numbers', { number: '5551234567' })).body.number).toBe('+15551234567');
    expect((await call(base, 'POST', '/admin/number', { tenant_id: 2, number: '+442079460958' })).status).toBe(200);
    expect((await call(base, 'POST', '/v1/tenants/1/users', { username: 'alice', password: 'alice password' })).status).toBe(201);
    const key = (await call(base, 'POST', '/v1/me/api-keys', { label: 'ci' }, basic('alice', 'alice password'))).body;
    expect((await call(base, 'POST', '/v1/tenants/1/endpoints', { numberId: '1', target: { kind: 'gateway', gateway: 'pbx_acme', sourceIps: ['192.0.2.7'] } })).status).toBe(201);
    expect((await call(base, 'POST', '/v1/endpoints', { target: { kind: 'webhook', url: 'https://ops.example/fax', secret: 'sixteen chars or more' } })).status).toBe(201);
    expect((await call(base, 'PATCH', '/v1/tenants/2', { settings: { faxIdent: 'GLOBEX' } })).status).toBe(200);
    expect((await call(base, 'DELETE', '/v1/tenants/2/numbers/2')).status).toBe(204);
    await stop();
    const live = dumpReadStore();
    expect(live.documents.length).toBeGreaterThan(15);

    base = await start();
    expect((await call(base, 'GET', '/v1/me', undefined, `Bearer ${key.key}`)).body).toMatchObject({ user: { username: 'alice' }, tenant: { name: 'Acme Corp' } });
    expect((await call(base, 'GET', '/v1/tenants/2')).body.settings.faxIdent).toBe('GLOBEX');
    expect((await call(base, 'GET', '/v1/numbers')).body.items.map((n: Json) => n.number)).toEqual(['+15551234567']);
    expect((await call(base, 'GET', '/v1/endpoints')).body.total).toBe(2);
    // Ids keep counting after the restart, and uniqueness still holds.
    expect((await call(base, 'POST', '/v1/tenants', { name: 'Initech' })).body.id).toBe('3');
    expect((await call(base, 'POST', '/v1/tenants/3/numbers', { number: '+1 555 123 4567' })).status).toBe(409);
    await stop();
    const afterRestart = dumpReadStore();

    expect(await runProjectionsCommand(['rebuild', '--config', configPath])).toBe(0);
    const rebuilt = dumpReadStore();
    expect(rebuilt).toEqual(afterRestart);
    expect(rebuilt.checkpoints.map((c) => c.projection)).toEqual(['access', 'credentials', 'directory', 'faxes', 'notifications', 'retention', 'routing', 'stations', 'stats']);
  });
});
