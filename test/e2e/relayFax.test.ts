import { afterEach, describe, expect, it } from 'vitest';
import { faxesWhen, provisionAcme } from '../support/e2eProvisioning.js';
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
    await provisionAcme(env, { globalGateways: [{ kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }], tenantGateways: [{ kind: 'gateway', gateway: 'pbx1', sourceIps: ['10.2.2.2'], role: 'pbx' }] });

    await env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;

    const faxes = await faxesWhen(env, (list) => list.some((fax) => fax.direction === 'outbound' && fax.ended === true));
    const received = faxes.find((fax) => fax.direction === 'inbound')!;
    const relayed = faxes.find((fax) => fax.direction === 'outbound')!;
    expect(received).toMatchObject({ status: 'received', pages: 2 });
    expect(relayed).toMatchObject({ status: 'sent', to: '+15551230000', documentId: received.documentId, outbound: expect.objectContaining({ gateway: 'pbx1', relayOf: expect.objectContaining({ faxId: received.faxId }) }) });

    const inboundHistory = (await (await env.call('GET', `/v1/faxes/${received.faxId}/events`)).json()) as { items: Array<{ type: string; data: Record<string, unknown> }> };
    expect(inboundHistory.items.find((event) => event.type === 'FaxRelayed')!.data).toMatchObject({ relayFaxId: relayed.faxId, gateways: ['pbx1'] });
  });
});
