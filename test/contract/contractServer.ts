import { okJson, provisionAcme, faxesWhen } from '../support/e2eProvisioning.js';
import { basicAuth, startServerWithSimulator, testAdminKey } from '../support/serverHarness.js';
import { makeSubmissionDocuments } from '../support/submissionFixtures.js';
import { makeTempDir } from '../support/tempDir.js';

export const tenantUser = { username: 'acme', password: 'acme long password' };

/**
 * The whole server with the simulator and data worth fuzzing against: a tenant with a number, a
 * user with an API key, a carrier gateway, one received and one sent fax. Schemathesis runs against it
 * with the admin key and with the tenant user's API key.
 */
export async function startContractServer() {
  const scenario = { gateways: { carrier1: { ip: '10.1.1.1' } }, stations: { '5550001111': { pages: 1, ident: 'SENDER' } } };
  // A drop directory, so the original's `/fax/send` with `file_name` is served rather than refused (503).
  const drop = makeTempDir('contract-drop');
  const env = await startServerWithSimulator({
    scenario,
    env: {
      FAXENGINE_SUBMISSION_DROP_DIR: drop.path,
      // Schemathesis's ignored_auth check fails logins on purpose, hundreds of times from one address.
      FAXENGINE_AUTH_ADDRESS_FREE_FAILURES: '1000000',
      FAXENGINE_AUTH_ACCOUNT_FREE_FAILURES: '1000000',
    },
  });
  const close = async () => {
    await env.close();
    drop.remove();
  };
  try {
    const tenantId = await provisionAcme(env, {
      globalGateways: [{ kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }],
      user: tenantUser,
    });
    const userAuth = basicAuth(tenantUser.username, tenantUser.password);
    const key = await okJson(await env.call('POST', '/v1/me/api-keys', { label: 'contract' }, userAuth));
    await env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;

    const documents = await makeSubmissionDocuments(env.dataDir);
    const form = new FormData();
    form.set('to', '5557654321');
    form.set('from', '5551230000');
    form.append('file', new Blob([documents.png], { type: 'image/png' }), 'logo.png');
    const base = `http://127.0.0.1:${env.server.httpAddress.port}`;
    await okJson(await fetch(`${base}/v1/faxes`, { method: 'POST', headers: { authorization: userAuth }, body: form }));
    await faxesWhen(env, (faxes) => faxes.length === 2 && faxes.every((fax) => fax.ended === true), userAuth);

    return {
      base,
      tenantId,
      adminAuthorization: basicAuth('admin', testAdminKey),
      tenantAuthorization: `Bearer ${String(key.key)}`,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

// `npx tsx test/contract/contractServer.ts` keeps one running and prints how to reach it, for
// running schemathesis by hand.
if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await startContractServer();
  console.log(JSON.stringify({ base: server.base, admin: server.adminAuthorization, tenant: server.tenantAuthorization }));
  process.on('SIGINT', () => void server.close().then(() => process.exit(0)));
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
}
