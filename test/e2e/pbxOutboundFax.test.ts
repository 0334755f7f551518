import { afterEach, describe, expect, it } from 'vitest';
import { faxesWhen, provisionAcme } from '../support/e2eProvisioning.js';
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
    const acme = { id: await provisionAcme(env, { globalGateways: [{ kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }], tenantGateways: [{ kind: 'gateway', gateway: 'pbx1', sourceIps: ['10.2.2.2'], role: 'pbx' }] }) };

    await env.sim.startInboundCall({ from: '5551230000', to: '15557654321', gateway: 'pbx1' }).finished;

    const faxes = await faxesWhen(env, (list) => list.some((fax) => fax.direction === 'outbound' && fax.ended === true));
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
    await provisionAcme(env, {
      globalGateways: [{ kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }],
      tenantGateways: [{ kind: 'gateway', gateway: 'pbx1', sourceIps: ['10.2.2.2'], role: 'pbx' }],
    });

    const call = env.sim.startInboundCall({ from: '5551230000', to: '15557654321', gateway: 'carrier1' });
    await call.finished;
    const applications = env.sim.commandLog(call.uuid).map((entry) => [entry.headers['execute-app-name'], entry.headers['execute-app-arg']]).filter(([app]) => app);
    expect(applications).toEqual([['respond', '404']]);
  });
});
