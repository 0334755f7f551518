import { afterEach, describe, expect, it } from 'vitest';
import { faxesWhen, okJson, provisionAcme } from '../support/e2eProvisioning.js';
import { startServerWithSimulator } from '../support/serverHarness.js';
import { recordOriginatedCalls } from '../support/simOriginatedCalls.js';
import { makeSubmissionDocuments } from '../support/submissionFixtures.js';

type Env = Awaited<ReturnType<typeof startServerWithSimulator>>;

describe("the number's or tenant's caller ID (the original's cid) on outbound calls", () => {
  let env: Env | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it("dials with the number's caller ID, else the tenant's, else the sending number, as FreeSWITCH sees it", async () => {
    env = await startServerWithSimulator({ scenario: { gateways: { carrier1: { ip: '10.1.1.1' } } } });
    const calls = recordOriginatedCalls(env.sim);
    const acme = await provisionAcme(env, { globalGateways: [{ kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }] });
    const numbers = (await okJson(await env.call('GET', `/v1/tenants/${acme}/numbers`))).items as Array<{ id: string }>;
    // The number's own caller ID, typed nationally: stored (and dialled) as E.164.
    await okJson(await env.call('PATCH', `/v1/tenants/${acme}/numbers/${numbers[0]!.id}`, { callerId: '(555) 999-0000', displayName: 'Acme Billing' }));
    await okJson(await env.call('POST', `/v1/tenants/${acme}/numbers`, { number: '5551230001' }));
    await okJson(await env.call('PATCH', `/v1/tenants/${acme}`, { settings: { callerId: '+15558880000' } }));
    const beta = await okJson(await env.call('POST', '/v1/tenants', { name: 'Beta' }));
    await okJson(await env.call('POST', `/v1/tenants/${beta.id}/numbers`, { number: '5551240000' }));

    const documents = await makeSubmissionDocuments(env.dataDir);
    const send = async (from: string) => {
      const form = new FormData();
      form.set('to', '5557654321');
      form.set('from', from);
      form.append('file', new Blob([documents.pdf], { type: 'application/pdf' }), 'letter.pdf');
      const response = await fetch(`http://127.0.0.1:${env!.server.httpAddress.port}/v1/faxes`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('admin:e2e-admin-key-0123456789').toString('base64')}` }, body: form });
      expect(response.status, await response.clone().text()).toBe(202);
      return String(((await response.json()) as { id: string }).id);
    };
    const numberOwn = await send('5551230000');
    const tenantDefault = await send('5551230001');
    const noSetting = await send('5551240000');
    const faxes = await faxesWhen(env, (list) => list.filter((fax) => fax.ended === true).length === 3);
    expect(faxes.filter((fax) => fax.status === 'sent')).toHaveLength(3);

    const seen = (faxId: string) => calls.calls().find((call) => call.variables.faxengine_fax_id === faxId)?.variables;
    expect(seen(numberOwn)).toMatchObject({ origination_caller_id_number: '15559990000', origination_caller_id_name: 'Acme Billing' });
    expect(seen(tenantDefault)).toMatchObject({ origination_caller_id_number: '15558880000' });
    expect(seen(noSetting)).toMatchObject({ origination_caller_id_number: '15551240000' });
    // The fax's history says which caller ID it used.
    const history = (await okJson(await env.call('GET', `/v1/faxes/${numberOwn}/events`))).items as Array<{ type: string; data: Record<string, unknown> }>;
    expect(history.find((event) => event.type === 'FaxQueued')!.data).toMatchObject({ from: '+15551230000', callerIdNumber: '+15559990000' });
  });

  it('refuses a caller ID that is no phone number with a 422 naming the field, in every API', async () => {
    env = await startServerWithSimulator();
    const acme = await provisionAcme(env);
    const numbers = (await okJson(await env.call('GET', `/v1/tenants/${acme}/numbers`))).items as Array<{ id: string }>;
    const problem = async (response: Response) => ({ status: response.status, field: ((await response.json()) as { field?: string }).field });
    expect(await problem(await env.call('PATCH', `/v1/tenants/${acme}/numbers/${numbers[0]!.id}`, { callerId: 'Acme Corp' }))).toEqual({ status: 422, field: 'callerId' });
    expect(await problem(await env.call('POST', `/v1/tenants/${acme}/numbers`, { number: '5551230002', callerId: '12' }))).toEqual({ status: 422, field: 'callerId' });
    expect(await problem(await env.call('PATCH', `/v1/tenants/${acme}`, { settings: { callerId: '555-CALL-NOW' } }))).toEqual({ status: 422, field: 'settings.callerId' });
    expect(await problem(await env.call('POST', '/admin/number', { tenant_id: Number(acme), number: '5551230003', cid: 'x' }))).toEqual({ status: 422, field: 'cid' });
  });
});
