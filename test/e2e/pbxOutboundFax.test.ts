import { afterEach, describe, expect, it } from 'vitest';
import { startServerWithSimulator } from '../support/serverHarness.js';

type Env = Awaited<ReturnType<typeof startServerWithSimulator>>;
type FaxEvent = { type: string; data: Record<string, unknown> };

describe('a fax from a tenant’s PBX to an outside number (store-and-forward through the carrier)', () => {
  let env: Env | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('receives the PBX’s fax and sends it on through the upstream gateway to the dialled number', async () => {
    env = await startServerWithSimulator({
      scenario: { gateways: { carrier1: { ip: '10.1.1.1' }, pbx1: { ip: '10.2.2.2' } }, stations: { '5551230000': { pages: 2 } } },
    });
    const json = async (response: Response) => {
      if (response.status >= 300) throw new Error(`${response.status} ${await response.text()}`);
      return response.json() as Promise<Record<string, unknown>>;
    };
    const acme = await json(await env.call('POST', '/v1/tenants', { name: 'Acme' }));
    await json(await env.call('POST', `/v1/tenants/${acme.id}/numbers`, { number: '5551230000' }));
    await json(await env.call('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' } }));
    await json(await env.call('POST', `/v1/tenants/${acme.id}/endpoints`, { target: { kind: 'gateway', gateway: 'pbx1', sourceIps: ['10.2.2.2'], role: 'pbx' }, priority: 0 }));

    await env.sim.startInboundCall({ from: '5551230000', to: '15557654321', gateway: 'pbx1' }).finished;

    let faxes: Array<Record<string, unknown>> = [];
    for (let tries = 0; tries < 400; tries++) {
      faxes = ((await (await env.call('GET', '/v1/faxes')).json()) as { items: Array<Record<string, unknown>> }).items;
      if (faxes.some((fax) => fax.direction === 'outbound' && fax.ended === true)) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const received = faxes.find((fax) => fax.direction === 'inbound')!;
    const relayed = faxes.find((fax) => fax.direction === 'outbound')!;
    expect(received).toMatchObject({ status: 'received', pages: 2, tenantId: acme.id, to: '+15557654321' });
    expect(relayed).toMatchObject({
      status: 'sent',
      tenantId: acme.id,
      to: '+15557654321',
      documentId: received.documentId,
      outbound: expect.objectContaining({ gateway: 'carrier1', relayOf: expect.objectContaining({ faxId: received.faxId }) }),
    });

    const history = async (faxId: unknown) => ((await (await env!.call('GET', `/v1/faxes/${String(faxId)}/events`)).json()) as { items: FaxEvent[] }).items;
    const inbound = await history(received.faxId);
    const event = (type: string, items: FaxEvent[]) => items.find((item) => item.type === type)!.data;
    expect(event('FaxCallAnswered', inbound)).toMatchObject({ purpose: 'outbound-relay', sender: '+15551230000', recipient: '+15557654321', sourceGateway: 'pbx1', t38Enabled: false });
    expect(event('FaxRouted', inbound)).toMatchObject({
      purpose: 'outbound-relay',
      recipient: '+15557654321',
      sender: '+15551230000',
      deliveries: [expect.objectContaining({ kind: 'gateway', gateway: 'carrier1' })],
      notifyEmails: [],
    });
    expect(event('FaxRelayed', inbound)).toMatchObject({ relayFaxId: relayed.faxId, gateways: ['carrier1'] });
    const outbound = await history(relayed.faxId);
    expect(event('FaxQueued', outbound)).toMatchObject({ from: '+15551230000', to: '+15557654321', gateways: ['carrier1'] });
    expect(outbound.some((item) => item.type === 'FaxSent')).toBe(true);
  });

  it('keeps refusing a carrier call to a number of no tenant with 404, unanswered, even from a tenant’s number', async () => {
    env = await startServerWithSimulator({ scenario: { gateways: { carrier1: { ip: '10.1.1.1' }, pbx1: { ip: '10.2.2.2' } } } });
    const acme = (await (await env.call('POST', '/v1/tenants', { name: 'Acme' })).json()) as { id: string };
    await env.call('POST', `/v1/tenants/${acme.id}/numbers`, { number: '5551230000' });
    await env.call('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' } });
    await env.call('POST', `/v1/tenants/${acme.id}/endpoints`, { target: { kind: 'gateway', gateway: 'pbx1', sourceIps: ['10.2.2.2'], role: 'pbx' } });

    const call = env.sim.startInboundCall({ from: '5551230000', to: '15557654321', gateway: 'carrier1' });
    await call.finished;
    const applications = env.sim.commandLog(call.uuid).map((entry) => [entry.headers['execute-app-name'], entry.headers['execute-app-arg']]).filter(([app]) => app);
    expect(applications).toEqual([['respond', '404']]);
  });
});
