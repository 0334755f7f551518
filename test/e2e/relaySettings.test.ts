import { afterEach, describe, expect, it } from 'vitest';
import { faxesWhen, okJson, provisionAcme } from '../support/e2eProvisioning.js';
import { startServerWithSimulator } from '../support/serverHarness.js';
import { recordOriginatedCalls } from '../support/simOriginatedCalls.js';

type Env = Awaited<ReturnType<typeof startServerWithSimulator>>;
type Fax = Record<string, unknown>;

const carrier = { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' };
const pbx = { kind: 'gateway', gateway: 'pbx1', sourceIps: ['10.2.2.2'], role: 'pbx' };
const gateways = { carrier1: { ip: '10.1.1.1' }, pbx1: { ip: '10.2.2.2' } };

/** A carrier call to Acme's number, received and relayed on; answers the received and the relay fax once the relay has ended. */
async function relayedFromCarrier(env: Env): Promise<{ received: Fax; relayed: Fax }> {
  await env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;
  const faxes = await faxesWhen(env, (list) => list.some((fax) => fax.direction === 'outbound' && fax.ended === true));
  return { received: faxes.find((fax) => fax.direction === 'inbound')!, relayed: faxes.find((fax) => fax.direction === 'outbound')! };
}

describe('relays to a tenant’s PBX use the PBX settings and the received document’s format', () => {
  let env: Env | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('dials the PBX with fax.t38.pbx (off by default), not the carriers’ T.38 setting', async () => {
    // The PBX would take T.38 if it were asked; the carrier side asks for it.
    env = await startServerWithSimulator({ scenario: { gateways, defaultStation: { t38: 'accept' }, stations: { '5550001111': { pages: 2 } } } });
    const calls = recordOriginatedCalls(env.sim);
    await provisionAcme(env, { globalGateways: [carrier], tenantGateways: [pbx] });
    const { relayed } = await relayedFromCarrier(env);
    expect(relayed).toMatchObject({ status: 'sent', outbound: expect.objectContaining({ gateway: 'pbx1' }) });
    const [call] = calls.calls().filter((item) => item.variables.faxengine_fax_id === relayed.faxId);
    expect(call).toMatchObject({ gateway: 'pbx1', variables: { fax_enable_t38: 'false', fax_enable_t38_request: 'false' }, t38: false });
  });

  it('asks the PBX for T.38 when fax.t38.pbx says so, even with T.38 off towards carriers', async () => {
    env = await startServerWithSimulator({
      scenario: { gateways, defaultStation: { t38: 'accept' }, stations: { '5550001111': { pages: 2 } } },
      env: { FAXENGINE_FAX_T38_UPSTREAM_ENABLED: 'false', FAXENGINE_FAX_T38_PBX_ENABLED: 'true', FAXENGINE_FAX_T38_PBX_REQUEST: 'true' },
    });
    const calls = recordOriginatedCalls(env.sim);
    await provisionAcme(env, { globalGateways: [carrier], tenantGateways: [pbx] });
    const { relayed } = await relayedFromCarrier(env);
    expect(relayed).toMatchObject({ status: 'sent' });
    const [call] = calls.calls().filter((item) => item.variables.faxengine_fax_id === relayed.faxId);
    expect(call).toMatchObject({ gateway: 'pbx1', variables: { fax_enable_t38: 'true', fax_enable_t38_request: 'true' }, t38: true });
  });

  it('records the received pages’ resolution and page size on the relay (standard-resolution A4 stays so)', async () => {
    env = await startServerWithSimulator({ scenario: { gateways, stations: { '5550001111': { pages: 2, fine: false } } } });
    await provisionAcme(env, { globalGateways: [carrier], tenantGateways: [pbx] });
    const { received, relayed } = await relayedFromCarrier(env);
    expect(relayed).toMatchObject({ status: 'sent', documentId: received.documentId });
    const history = (await okJson(await env.call('GET', `/v1/faxes/${String(relayed.faxId)}/events`))).items as Array<{ type: string; data: Record<string, unknown> }>;
    expect(history.find((event) => event.type === 'FaxQueued')!.data).toMatchObject({ resolution: 'standard', pageSize: 'a4', gatewayRole: 'pbx' });
  });

  it('a PBX’s fax to an outside number goes out with the carriers’ T.38 settings and the tenant’s caller ID', async () => {
    env = await startServerWithSimulator({ scenario: { gateways, defaultStation: { t38: 'accept' }, stations: { '201': { pages: 1 } } }, env: { FAXENGINE_FAX_T38_UPSTREAM_REQUEST: 'false' } });
    const calls = recordOriginatedCalls(env.sim);
    const acme = await provisionAcme(env, { globalGateways: [carrier], tenantGateways: [pbx] });
    await okJson(await env.call('PATCH', `/v1/tenants/${acme}`, { settings: { callerId: '+15551230000' } }));
    // An extension calls out: it is no number of ours, so the tenant's caller ID is what the carrier may see.
    await env.sim.startInboundCall({ from: '201', to: '15557654321', gateway: 'pbx1' }).finished;
    const faxes = await faxesWhen(env, (list) => list.some((fax) => fax.direction === 'outbound' && fax.ended === true));
    const relayed = faxes.find((fax) => fax.direction === 'outbound')!;
    expect(relayed).toMatchObject({ status: 'sent', outbound: expect.objectContaining({ gateway: 'carrier1' }) });
    const [call] = calls.calls().filter((item) => item.variables.faxengine_fax_id === relayed.faxId);
    expect(call).toMatchObject({ gateway: 'carrier1', variables: { fax_enable_t38: 'true', fax_enable_t38_request: 'false', origination_caller_id_number: '15551230000' } });
  });
});
