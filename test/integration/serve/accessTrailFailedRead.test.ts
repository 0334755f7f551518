import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faxesWhen, okJson, provisionAcme } from '../../support/e2eProvisioning.js';
import { basicAuth, startServerWithSimulator } from '../../support/serverHarness.js';

type Server = Awaited<ReturnType<typeof startServerWithSimulator>>;

/**
 * The document route records a read only once the document was read and opened: a document that
 * fails its check (changed on disk) is neither served nor recorded as read.
 */
describe('access trail: a failed document read', () => {
  const alice = basicAuth('alice', 'alice password');
  let env: Server;
  let faxId: string;

  beforeAll(async () => {
    env = await startServerWithSimulator({ scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, stations: { '5550001111': { pages: 2, ident: 'SENDER' } } } });
    await provisionAcme(env, { globalGateways: [{ kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }], user: { username: 'alice', password: 'alice password' } });
    await env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;
    faxId = String((await faxesWhen(env, (list) => list.length === 1 && list[0]!.status === 'received'))[0]!.faxId);
  }, 60_000);
  afterAll(() => env?.close());

  it('is answered 500 and leaves no entry; the reads that succeed around it are recorded', async () => {
    const get = (accept: string) =>
      fetch(`http://127.0.0.1:${env.server.httpAddress.port}/v1/faxes/${faxId}/document`, { headers: { authorization: alice, accept } });
    const before = await get('application/pdf');
    expect(before.status).toBe(200);
    await before.arrayBuffer();

    // One byte of the sealed TIFF changed on disk: it no longer authenticates.
    const documents = join(env.dataDir, 'documents');
    const shard = join(documents, readdirSync(documents).find((name) => /^[0-9a-f]{2}$/.test(name))!);
    const path = join(shard, readdirSync(shard).find((name) => name.endsWith('.tif'))!);
    const stored = readFileSync(path);
    stored[stored.length - 10] = stored[stored.length - 10]! ^ 0xff;
    writeFileSync(path, stored);
    const failed = await get('image/tiff');
    expect(failed.status).toBe(500);
    expect(((await failed.json()) as { detail: string }).detail).toMatch(/does not authenticate/);

    const after = await get('application/pdf');
    expect(after.status).toBe(200);
    await after.arrayBuffer();

    let kinds: string[] = [];
    for (let tries = 0; tries < 100 && kinds.length < 2; tries++) {
      const page = await okJson(await env.call('GET', `/v1/faxes/${faxId}/access`));
      kinds = (page.items as Array<{ what: { kind: string } }>).map((entry) => entry.what.kind);
      if (kinds.length < 2) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Give a wrongly recorded third entry the time to arrive before the count is checked.
    await new Promise((resolve) => setTimeout(resolve, 500));
    kinds = ((await okJson(await env.call('GET', `/v1/faxes/${faxId}/access`))).items as Array<{ what: { kind: string } }>).map((entry) => entry.what.kind);
    expect(kinds).toEqual(['pdf', 'pdf']);
  });
});
