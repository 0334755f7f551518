import { afterEach, describe, expect, it } from 'vitest';
import { faxesWhen, okJson, provisionAcme } from '../support/e2eProvisioning.js';
import { basicAuth, startServerWithSimulator, testAdminKey } from '../support/serverHarness.js';
import { recordOriginatedCalls } from '../support/simOriginatedCalls.js';
import { makeSubmissionDocuments } from '../support/submissionFixtures.js';

type Env = Awaited<ReturnType<typeof startServerWithSimulator>>;

const carrier = { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' };

/** Submits one fax from Acme's number through the API; answers its id once it has ended. */
async function sendOne(env: Env, to: string): Promise<string> {
  const documents = await makeSubmissionDocuments(env.dataDir);
  const form = new FormData();
  form.set('to', to);
  form.set('from', '5551230000');
  form.append('file', new Blob([documents.pdf], { type: 'application/pdf' }), 'letter.pdf');
  const response = await fetch(`http://127.0.0.1:${env.server.httpAddress.port}/v1/faxes`, { method: 'POST', headers: { authorization: basicAuth('admin', testAdminKey) }, body: form });
  expect(response.status, await response.clone().text()).toBe(202);
  const { id } = (await response.json()) as { id: string };
  const [fax] = (await faxesWhen(env, (list) => list.some((item) => item.faxId === id && item.ended === true))).filter((item) => item.faxId === id);
  expect(fax).toMatchObject({ status: 'sent' });
  return id;
}

describe('fax.t38.upstream.* when sending (what the originate asks FreeSWITCH for)', () => {
  let env: Env | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('request off: T.38 allowed but not asked for, so a station that only accepts T.38 gets audio', async () => {
    env = await startServerWithSimulator({ scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, defaultStation: { t38: 'accept' } }, env: { FAXENGINE_FAX_T38_UPSTREAM_REQUEST: 'false' } });
    const calls = recordOriginatedCalls(env.sim);
    await provisionAcme(env, { globalGateways: [carrier] });
    const faxId = await sendOne(env, '5557654321');
    const [call] = calls.calls().filter((item) => item.variables.faxengine_fax_id === faxId);
    expect(call).toMatchObject({ gateway: 'carrier1', variables: { fax_enable_t38: 'true', fax_enable_t38_request: 'false' }, t38: false });
  });

  it('request on (the default): asked for, and the station that accepts it gets T.38', async () => {
    env = await startServerWithSimulator({ scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, defaultStation: { t38: 'accept' } } });
    const calls = recordOriginatedCalls(env.sim);
    await provisionAcme(env, { globalGateways: [carrier] });
    const faxId = await sendOne(env, '5557654321');
    const [call] = calls.calls().filter((item) => item.variables.faxengine_fax_id === faxId);
    expect(call).toMatchObject({ variables: { fax_enable_t38: 'true', fax_enable_t38_request: 'true' }, t38: true });
  });

  it('T.38 off for carriers: neither allowed nor asked for, whatever request says', async () => {
    env = await startServerWithSimulator({ scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, defaultStation: { t38: 'accept' } }, env: { FAXENGINE_FAX_T38_UPSTREAM_ENABLED: 'false', FAXENGINE_FAX_T38_UPSTREAM_REQUEST: 'true' } });
    const calls = recordOriginatedCalls(env.sim);
    await provisionAcme(env, { globalGateways: [carrier] });
    const faxId = await sendOne(env, '5557654321');
    const [call] = calls.calls().filter((item) => item.variables.faxengine_fax_id === faxId);
    expect(call).toMatchObject({ variables: { fax_enable_t38: 'false', fax_enable_t38_request: 'false' }, t38: false });
  });

  it('a station known to fail with T.38 gets audio even though the carrier setting asks for T.38', async () => {
    env = await startServerWithSimulator({ scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, defaultStation: { t38: 'accept' } } });
    const calls = recordOriginatedCalls(env.sim);
    await provisionAcme(env, { globalGateways: [carrier] });
    // Answered once the send path sees it (the route waits for the station read model).
    expect(await okJson(await env.call('PUT', '/v1/stations/+15557654321/fallback', { reason: 'test' }))).toMatchObject({ needsAudio: true });
    const faxId = await sendOne(env, '5557654321');
    const [call] = calls.calls().filter((item) => item.variables.faxengine_fax_id === faxId);
    expect(call).toMatchObject({ variables: { fax_enable_t38: 'false', fax_enable_t38_request: 'false' }, t38: false });
  });
});
