import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { createSimulator } from '../../../src/sim/simulator.js';
import { startCli } from '../../support/cliProcess.js';
import { makeTempDir } from '../../support/tempDir.js';

const adminKey = 'drain-admin-key-0123456789';
const admin = `Basic ${Buffer.from(`admin:${adminKey}`).toString('base64')}`;

describe('faxengine serve draining on SIGTERM', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('answers /readyz and the API with 503 at once while the call in progress finishes, then exits 0', async () => {
    const dir = makeTempDir('drain-http');
    cleanups.push(dir.remove);
    const scenario = { gateways: { carrier1: { ip: '10.1.1.1' } }, stations: { '5550001111': { pages: 6 } } };
    const probe = await createSimulator({ listen: { host: '127.0.0.1', port: 0 }, scenario });
    const eslPort = probe.eslAddress.port;
    await probe.close();

    const cli = startCli(['serve'], {
      cwd: dir.path,
      env: {
        FAXENGINE_DATA_DIR: dir.path,
        FAXENGINE_HTTP_LISTEN: '127.0.0.1:0',
        FAXENGINE_SOCKET_LISTEN: '127.0.0.1:0',
        FAXENGINE_FREESWITCH_ESL: `127.0.0.1:${eslPort}`,
        FAXENGINE_ADMIN_API_KEY: adminKey,
      },
    });
    cleanups.push(() => cli.child.kill('SIGKILL'));
    const portFrom = async (message: string) =>
      Number((JSON.parse(await cli.waitForLine((line) => line.includes(message))) as { address: string }).address.split(':').at(-1));
    const socketPort = await portFrom('accepting FreeSWITCH outbound sockets');
    const httpPort = await portFrom('HTTP API listening');
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`http://127.0.0.1:${httpPort}${path}`, { ...init, headers: { authorization: admin, 'content-type': 'application/json', ...init.headers } });

    // About a second per page: the drain lasts several seconds.
    const sim = await createSimulator({ listen: { host: '127.0.0.1', port: eslPort }, dial: { host: '127.0.0.1', port: socketPort }, timeScale: 0.08, scenario });
    cleanups.push(() => sim.close());
    const tenant = (await (await api('/v1/tenants', { method: 'POST', body: JSON.stringify({ name: 'Acme' }) })).json()) as { id: string };
    await api(`/v1/tenants/${tenant.id}/numbers`, { method: 'POST', body: JSON.stringify({ number: '5551230000' }) });
    await api('/v1/endpoints', { method: 'POST', body: JSON.stringify({ target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' } }) });
    // Ready once faxengine has (re)connected to the simulator's event socket.
    for (let tries = 0; tries < 300 && (await api('/readyz')).status !== 200; tries++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await api('/readyz')).status).toBe(200);

    const reader = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    cleanups.push(() => reader.close());
    const call = sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' });
    for (let tries = 0; tries < 400 && !(await reader.readAll({ streamPrefixes: ['fax-'] })).some((event) => event.type === 'FaxPageTransferred'); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }

    cli.child.kill('SIGTERM');
    await cli.waitForLine((line) => line.includes('"msg":"shutting down"'));
    // Out of service at once: 503 saying so, or no connection at all; never "ready" while draining.
    const ready = await api('/readyz').catch((error: unknown) => error as Error);
    const listing = await api('/v1/tenants').catch((error: unknown) => error as Error);
    expect(sim.channels().map((channel) => channel.uuid)).toContain(call.uuid);
    if (ready instanceof Response) {
      expect(ready.status).toBe(503);
      expect(ready.headers.get('content-type')).toBe('application/problem+json');
      expect(((await ready.json()) as { detail: string }).detail).toContain('draining');
    }
    if (listing instanceof Response) expect(listing.status).toBe(503);

    expect(await cli.exited).toBe(0);
    await call.finished;
    const types = (await reader.readAll({ streamPrefixes: ['fax-'] })).map((event) => event.type);
    expect(types).toContain('FaxReceived');
    await expect(api('/healthz')).rejects.toThrow();
  });
});
