import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readStoreFileName } from '../../src/reactors/readModels.js';
import { basicAuth, startServerWithSimulator } from '../support/serverHarness.js';
import { signInByHttp } from '../support/consoleSignIn.js';

const scenario = {
  gateways: { carrier1: { ip: '10.1.1.1' } },
  stations: { '5557770001': { pages: 2, ident: 'QZXJ CLINIC' } },
};
const purgedAt = '2026-12-06T12:00:00.000Z';


describe('a fax received through the simulator, then purged (FaxPurged appended to its stream)', () => {
  let env: Awaited<ReturnType<typeof startServerWithSimulator>> | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('is shown purged by the API and the console, its document and page images are 410, and the read store keeps none of it', async () => {
    env = await startServerWithSimulator({ scenario });
    const json = async (response: Response) => {
      if (response.status >= 300) throw new Error(`${response.status} ${await response.text()}`);
      return response.json() as Promise<Record<string, unknown>>;
    };
    const acme = await json(await env.call('POST', '/v1/tenants', { name: 'Acme' }));
    await json(await env.call('POST', `/v1/tenants/${acme.id}/numbers`, { number: '5551230000' }));
    await json(await env.call('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }, priority: 0 }));
    await json(await env.call('POST', `/v1/tenants/${acme.id}/users`, { username: 'acme', password: 'acme long password' }));
    const auth = basicAuth('acme', 'acme long password');
    await env.sim.startInboundCall({ from: '5557770001', to: '15551230000', gateway: 'carrier1' }).finished;

    const list = async () => ((await (await env!.call('GET', '/v1/faxes', undefined, auth)).json()) as { items: Array<Record<string, unknown>> }).items;
    let faxes = await list();
    for (const deadline = Date.now() + 20_000; !(faxes.length === 1 && faxes[0]!.ended === true) && Date.now() < deadline; faxes = await list()) await new Promise((resolve) => setTimeout(resolve, 25));
    const faxId = String(faxes[0]!.faxId);
    expect(faxes[0]).toMatchObject({ status: 'received', from: '5557770001', remoteIdent: 'QZXJ CLINIC', pages: 2 });
    expect((await env.call('GET', `/v1/faxes/${faxId}/pages`, undefined, auth)).status).toBe(200);

    await env.server.eventStore.append(`fax-${faxId}`, [{ type: 'FaxPurged', data: { faxId, tenantId: acme.id, reason: 'request', purgedAt } }]);
    let fax = await json(await env.call('GET', `/v1/faxes/${faxId}`, undefined, auth));
    for (const deadline = Date.now() + 20_000; fax.purged !== true && Date.now() < deadline; fax = await json(await env.call('GET', `/v1/faxes/${faxId}`, undefined, auth))) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(fax).toMatchObject({ faxId, status: 'received', pages: 2, purged: true, purgedAt, from: null, to: null, remoteIdent: null, documentId: null });
    for (const path of [`/v1/faxes/${faxId}/document`, `/v1/faxes/${faxId}/pages`, `/v1/faxes/${faxId}/pages/1.png`]) {
      const response = await env.call('GET', path, undefined, auth);
      expect(response.status, path).toBe(410);
      expect(await response.json(), path).toMatchObject({ title: 'Gone', purgedAt });
    }
    expect(((await (await env.call('GET', '/v1/faxes?number=5557770001', undefined, auth)).json()) as { items: unknown[] }).items).toEqual([]);
    expect(((await (await env.call('GET', '/v1/faxes?text=qzxj', undefined, auth)).json()) as { items: unknown[] }).items).toEqual([]);

    // The console: "Purged on …" where the number was; the PDF, TIFF and page images are 410.
    const base = `http://127.0.0.1:${env.server.httpAddress.port}`;
    const cookie = `faxengine_session=${await signInByHttp(base, 'acme', 'acme long password')}`;
    for (const path of ['/inbox', `/faxes/${faxId}`]) {
      const page = await fetch(`${base}${path}`, { headers: { cookie } });
      expect(page.status, path).toBe(200);
      // The fax page's timeline shows the stream's events, which this test leaves readable (the event
      // store's shredding makes them empty): what the read model gives is everything before it.
      const html = (await page.text()).split('id="timeline-heading"')[0]!;
      expect(html, path).toContain('Purged on 2026-12-06 12:00:00 UTC');
      expect(html, path).not.toMatch(/5557770001|QZXJ/);
    }
    for (const path of [`/faxes/${faxId}/document.pdf`, `/faxes/${faxId}/document.tiff`, `/faxes/${faxId}/pages/1/thumb`]) {
      const response = await fetch(`${base}${path}`, { headers: { cookie } });
      expect(response.status, path).toBe(410);
      expect(await response.text(), path).toContain('Purged on 2026-12-06 12:00:00 UTC');
    }

    // Nothing of it is left in the read store file or its WAL once the WAL is cut.
    const readStore = join(env.dataDir, readStoreFileName);
    for (const deadline = Date.now() + 20_000; (statSync(`${readStore}-wal`, { throwIfNoEntry: false })?.size ?? 0) > 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50));
    for (const file of [readStore, `${readStore}-wal`]) {
      const bytes = readFileSync(file).toString('latin1').toLowerCase();
      for (const value of ['5557770001', 'qzxj']) expect(bytes.includes(value), `${value} in ${file}`).toBe(false);
    }
  });
});
