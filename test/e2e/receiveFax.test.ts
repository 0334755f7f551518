import { afterEach, describe, expect, it } from 'vitest';
import { countPdfPages } from '../../src/adapters/documents/tiffTools.js';
import { basicAuth, startServerWithSimulator } from '../support/serverHarness.js';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const scenario = {
  gateways: { carrier1: { ip: '10.1.1.1' }, rogue: { ip: '10.9.9.9' } },
  stations: { '5550001111': { pages: 3, ident: 'SENDER' } },
};

describe('faxengine receives faxes end to end (server + simulator)', () => {
  let env: Awaited<ReturnType<typeof startServerWithSimulator>> | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  async function provision() {
    const json = async (response: Response) => {
      if (response.status >= 300) throw new Error(`${response.status} ${await response.text()}`);
      return response.json() as Promise<Record<string, unknown>>;
    };
    const acme = await json(await env!.call('POST', '/v1/tenants', { name: 'Acme' }));
    const other = await json(await env!.call('POST', '/v1/tenants', { name: 'Other' }));
    await json(await env!.call('POST', `/v1/tenants/${acme.id}/numbers`, { number: '5551230000', stationIdent: 'ACME FAX' }));
    await json(await env!.call('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }, priority: 0 }));
    await json(
      await env!.call('POST', `/v1/tenants/${acme.id}/endpoints`, {
        target: { kind: 'webhook', url: 'https://hooks.acme.example/fax', secret: 'acme-webhook-secret-0123', style: 'json' },
        priority: 5,
      }),
    );
    await json(await env!.call('POST', `/v1/tenants/${acme.id}/endpoints`, { target: { kind: 'email', addresses: ['fax@acme.example'] }, priority: 1 }));
    await json(await env!.call('POST', `/v1/tenants/${acme.id}/users`, { username: 'acme', password: 'acme long password' }));
    await json(await env!.call('POST', `/v1/tenants/${other.id}/users`, { username: 'other', password: 'other long password' }));
    return { acme: String(acme.id), other: String(other.id) };
  }

  it('routes a carrier call to the tenant, stores the fax and serves it to that tenant only', async () => {
    env = await startServerWithSimulator({ scenario });
    const { acme } = await provision();
    await env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;

    const acmeAuth = basicAuth('acme', 'acme long password');
    let faxes: Array<Record<string, unknown>> = [];
    for (let tries = 0; tries < 200 && !(faxes.length === 1 && faxes[0]!.ended === true); tries++) {
      faxes = ((await (await env.call('GET', '/v1/faxes', undefined, acmeAuth)).json()) as { items: Array<Record<string, unknown>> }).items;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(faxes).toHaveLength(1);
    const fax = faxes[0]!;
    expect(fax).toMatchObject({ direction: 'inbound', tenantId: acme, status: 'received', to: '+15551230000', from: '5550001111', pages: 3, remoteIdent: 'SENDER' });

    const pdf = await env.call('GET', `/v1/faxes/${fax.faxId}/document`, undefined, acmeAuth);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const path = join(env.dataDir, 'downloaded.pdf');
    writeFileSync(path, Buffer.from(await pdf.arrayBuffer()));
    expect(await countPdfPages(path)).toBe(3);

    const history = (await (await env.call('GET', `/v1/faxes/${fax.faxId}/events`, undefined, acmeAuth)).json()) as { items: Array<{ type: string; data: Record<string, unknown> }> };
    // The notifiers append their attempts after the call ended (see test/integration/notifiers).
    expect(history.items.map((event) => event.type).filter((type) => !type.startsWith('Notification')).slice(-3)).toEqual(['FaxReceived', 'FaxRouted', 'FaxCallEnded']);
    const routed = history.items.find((event) => event.type === 'FaxRouted')!.data;
    expect(routed).toMatchObject({ tenantId: acme, recipient: '+15551230000', partial: false, endpointScope: 'tenant' });
    expect(routed.deliveries).toEqual([
      expect.objectContaining({ kind: 'email', priority: 1, addresses: ['fax@acme.example'] }),
      expect.objectContaining({ kind: 'webhook', priority: 5, url: 'https://hooks.acme.example/fax', style: 'json' }),
    ]);
    expect(JSON.stringify(routed)).not.toContain('acme-webhook-secret');
    const legacy = await env.call('GET', `/fax/status?uuid=${fax.callUuid}`, undefined, acmeAuth);
    expect(((await legacy.json()) as { faxId: string }).faxId).toBe(fax.faxId);

    // Stored as a document, the received TIFF is not kept a second time in the spool.
    const spool = join(env.dataDir, 'spool');
    for (let tries = 0; tries < 200 && readdirSync(spool).length > 0; tries++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(readdirSync(spool)).toEqual([]);

    const otherAuth = basicAuth('other', 'other long password');
    expect(((await (await env.call('GET', '/v1/faxes', undefined, otherAuth)).json()) as { items: unknown[] }).items).toEqual([]);
    for (const path of [`/v1/faxes/${fax.faxId}`, `/v1/faxes/${fax.faxId}/events`, `/v1/faxes/${fax.faxId}/document`, `/fax/status?uuid=${fax.callUuid}`]) {
      expect((await env.call('GET', path, undefined, otherAuth)).status).toBe(404);
    }
    expect((await env.call('GET', '/v1/faxes', undefined, null)).status).toBe(401);
  });

  it('at start removes spool leftovers of faxes already stored as documents, keeping the others', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'faxengine-spool-'));
    try {
      env = await startServerWithSimulator({ scenario, dataDir });
      await provision();
      await env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;
      let faxes: Array<Record<string, unknown>> = [];
      for (let tries = 0; tries < 200 && !(faxes.length === 1 && faxes[0]!.ended === true); tries++) {
        faxes = ((await (await env.call('GET', '/v1/faxes')).json()) as { items: Array<Record<string, unknown>> }).items;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(faxes[0]).toMatchObject({ status: 'received', ended: true });
      await env.close();
      env = undefined;
      // As if the process had stopped between storing the document and removing its spool copy.
      const spool = join(dataDir, 'spool');
      writeFileSync(join(spool, `${String(faxes[0]!.faxId)}.tif`), 'II*\0');
      writeFileSync(join(spool, 'not-a-known-fax.tif'), 'II*\0');

      env = await startServerWithSimulator({ scenario, dataDir });
      for (let tries = 0; tries < 200 && readdirSync(spool).length > 1; tries++) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(readdirSync(spool)).toEqual(['not-a-known-fax.tif']);
    } finally {
      await env?.close();
      env = undefined;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('answers an unknown source with 403 and an unknown number with 404, never answering either', async () => {
    env = await startServerWithSimulator({ scenario });
    await provision();
    const rogue = env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'rogue' });
    const unknown = env.sim.startInboundCall({ from: '5550001111', to: '15559999999', gateway: 'carrier1' });
    await Promise.all([rogue.finished, unknown.finished]);
    const responded = (uuid: string) =>
      env!.sim.commandLog(uuid).map((entry) => [entry.headers['execute-app-name'], entry.headers['execute-app-arg']]).filter(([app]) => app);
    expect(responded(rogue.uuid)).toEqual([['respond', '403']]);
    expect(responded(unknown.uuid)).toEqual([['respond', '404']]);
  });

  it('lets an admin switch a station to audio and back, which the next calls follow', async () => {
    env = await startServerWithSimulator({ scenario });
    await provision();
    const answered = async () => {
      const call = env!.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' });
      await call.finished;
      return env!.sim.commandLog(call.uuid).map((entry) => entry.headers['execute-app-arg']).filter((arg) => arg?.startsWith('fax_enable_t38='));
    };
    expect((await env.call('GET', '/v1/stations/5550001111')).status).toBe(404);
    const enabled = await env.call('PUT', '/v1/stations/5550001111/fallback', { reason: 'carrier trouble ticket 42' });
    expect(await enabled.json()).toMatchObject({ station: '+15550001111', needsAudio: true, lastChangeReason: 'carrier trouble ticket 42' });
    expect(await answered()).toEqual(['fax_enable_t38=false']);

    const cleared = await env.call('DELETE', '/v1/stations/+15550001111/fallback');
    expect(await cleared.json()).toMatchObject({ needsAudio: false });
    expect(await answered()).toEqual(['fax_enable_t38=true']);

    const legacy = await env.call('POST', '/admin/fallback', { number: '5550002222' });
    expect(await legacy.json()).toEqual({ success: true, number: '5550002222' });
    const list = (await (await env.call('GET', '/v1/stations')).json()) as { items: Array<{ station: string; needsAudio: boolean }> };
    expect(list.items.map((item) => [item.station, item.needsAudio]).sort()).toEqual([['+15550001111', false], ['+15550002222', true]]);
    // Paged by E.164: a page of one, then the rest after its cursor.
    const page = async (query: string) => (await (await env!.call('GET', `/v1/stations${query}`)).json()) as { items: Array<{ station: string }>; nextCursor: string | null };
    const first = await page('?limit=1');
    expect([first.items.map((item) => item.station), first.nextCursor]).toEqual([['+15550001111'], '+15550001111']);
    const second = await page(`?limit=1&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect([second.items.map((item) => item.station), second.nextCursor]).toEqual([['+15550002222'], null]);
    expect((await env.call('GET', '/v1/stations?limit=0')).status).toBe(422);
    expect((await env.call('PUT', '/v1/stations/not-a-number/fallback', {})).status).toBe(422);
    expect((await env.call('GET', '/v1/stations', undefined, basicAuth('acme', 'acme long password'))).status).toBe(403);
  });
});
