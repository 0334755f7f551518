import { afterEach, describe, expect, it } from 'vitest';
import { startServerWithSimulator } from '../support/serverHarness.js';

type Env = Awaited<ReturnType<typeof startServerWithSimulator>>;

describe('store-and-forward relay of a received fax to the tenant’s PBX', () => {
  let env: Env | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('sends the received document on to the PBX gateway, linked in both histories', async () => {
    env = await startServerWithSimulator({
      scenario: { gateways: { carrier1: { ip: '10.1.1.1' }, pbx1: { ip: '10.2.2.2' } }, stations: { '5550001111': { pages: 2 } } },
    });
    const json = async (response: Response) => {
      if (response.status >= 300) throw new Error(`${response.status} ${await response.text()}`);
      return response.json() as Promise<Record<string, unknown>>;
    };
    const acme = await json(await env.call('POST', '/v1/tenants', { name: 'Acme' }));
    await json(await env.call('POST', `/v1/tenants/${acme.id}/numbers`, { number: '5551230000' }));
    await json(await env.call('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' } }));
    await json(await env.call('POST', `/v1/tenants/${acme.id}/endpoints`, { target: { kind: 'gateway', gateway: 'pbx1', sourceIps: ['10.2.2.2'], role: 'pbx' }, priority: 0 }));

    await env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;

    let faxes: Array<Record<string, unknown>> = [];
    for (let tries = 0; tries < 400; tries++) {
      faxes = ((await (await env.call('GET', '/v1/faxes')).json()) as { items: Array<Record<string, unknown>> }).items;
      if (faxes.some((fax) => fax.direction === 'outbound' && fax.ended === true)) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const received = faxes.find((fax) => fax.direction === 'inbound')!;
    const relayed = faxes.find((fax) => fax.direction === 'outbound')!;
    expect(received).toMatchObject({ status: 'received', pages: 2 });
    expect(relayed).toMatchObject({ status: 'sent', to: '+15551230000', documentId: received.documentId, outbound: expect.objectContaining({ gateway: 'pbx1', relayOf: expect.objectContaining({ faxId: received.faxId }) }) });

    const inboundHistory = (await (await env.call('GET', `/v1/faxes/${received.faxId}/events`)).json()) as { items: Array<{ type: string; data: Record<string, unknown> }> };
    expect(inboundHistory.items.find((event) => event.type === 'FaxRelayed')!.data).toMatchObject({ relayFaxId: relayed.faxId, gateways: ['pbx1'] });
  });
});
