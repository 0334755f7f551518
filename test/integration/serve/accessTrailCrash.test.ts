import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSimulator } from '../../../src/sim/simulator.js';
import { faxesWhen, okJson, provisionAcme } from '../../support/e2eProvisioning.js';
import { basicAuth, startServerWithSimulator, testAdminKey } from '../../support/serverHarness.js';
import { startServe } from '../../support/serveProcess.js';
import { makeTempDir } from '../../support/tempDir.js';

const admin = basicAuth('admin', testAdminKey);
const scenario = { gateways: { carrier1: { ip: '10.1.1.1' } }, stations: { '5550001111': { pages: 1, ident: 'SENDER' } } };

/**
 * Reads answered just before `faxengine serve` is killed (SIGKILL, no drain) are in the trail after
 * the next start: each entry was journaled as it was recorded, and the start appends what the trail lacks.
 */
describe('access trail across a SIGKILL', () => {
  const dir = makeTempDir('access-crash');
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    dir.remove();
  });

  it('loses no read answered before the kill, and stores none twice', async () => {
    let env = await startServerWithSimulator({ dataDir: dir.path, scenario, env: { FAXENGINE_AUTH_TRUSTED_PROXIES: '127.0.0.1' } });
    await provisionAcme(env, { globalGateways: [{ kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }] });
    await env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;
    const [fax] = await faxesWhen(env, (list) => list.length === 1 && list[0]!.status === 'received');
    const faxId = String(fax!.faxId);
    await env.close();

    const esl = await createSimulator({ listen: { host: '127.0.0.1', port: 0 } });
    cleanups.push(() => esl.close());
    const serve = await startServe({ dataDir: dir.path, eslPort: esl.eslAddress.port, env: { FAXENGINE_ADMIN_API_KEY: testAdminKey, FAXENGINE_AUTH_TRUSTED_PROXIES: '127.0.0.1' } });
    const exited = serve.cli.exited;
    cleanups.push(() => serve.cli.child.kill('SIGKILL'));
    const addresses = ['203.0.113.11', '203.0.113.12', '203.0.113.13', '203.0.113.14', '203.0.113.15'];
    // All at once, and the kill the moment the last is answered: well within the 200 ms a batch waits.
    const answers = await Promise.all(
      addresses.map((address) => fetch(`http://127.0.0.1:${serve.http}/v1/faxes/${faxId}/events`, { headers: { authorization: admin, 'x-forwarded-for': address } }).then(async (response) => (await response.arrayBuffer(), response.status))),
    );
    serve.cli.child.kill('SIGKILL');
    await exited;
    expect(answers).toEqual([200, 200, 200, 200, 200]);

    env = await startServerWithSimulator({ dataDir: dir.path, scenario, env: { FAXENGINE_AUTH_TRUSTED_PROXIES: '127.0.0.1' } });
    cleanups.push(() => env.close());
    let found: string[] = [];
    for (let tries = 0; tries < 200 && found.length < addresses.length; tries++) {
      const page = (await okJson(await env.call('GET', `/v1/faxes/${faxId}/access`))) as { items: Array<{ from: { address: string } }> };
      found = page.items.map((entry) => entry.from.address).sort();
      if (found.length < addresses.length) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(found).toEqual(addresses);
    expect(await okJson(await env.call('GET', `/v1/access/verify?tenantId=${String(fax!.tenantId)}`))).toMatchObject({ ok: true, entries: addresses.length });
    // Once stored, the journal is emptied.
    for (let tries = 0; tries < 100 && readdirSync(join(dir.path, 'access-journal')).length > 0; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readdirSync(join(dir.path, 'access-journal'))).toEqual([]);
  }, 120_000);
});
