import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../support/cliProcess.js';
import { boxPage, makePdf } from '../support/documentFixtures.js';
import { basicAuth, startServerWithSimulator } from '../support/serverHarness.js';

type Env = Awaited<ReturnType<typeof startServerWithSimulator>>;

const scenario = {
  gateways: { carrier1: { ip: '10.1.1.1' } },
  stations: { '15557654321': { ident: 'FAR END' }, '15550000009': { outcome: 'UNALLOCATED_NUMBER', ringSeconds: 0 } },
};
const password = 'acme long password';

/** `faxengine send` as a user runs it: a child process against a real server with the simulator as FreeSWITCH. */
describe('faxengine send against a running server', () => {
  let env: Env;
  let base: string;
  let pdf: string;
  let apiKey: string;

  beforeAll(async () => {
    env = await startServerWithSimulator({ scenario });
    base = `http://127.0.0.1:${env.server.httpAddress.port}`;
    const json = async (response: Response) => {
      if (response.status >= 300) throw new Error(`${response.status} ${await response.text()}`);
      return response.json() as Promise<Record<string, string>>;
    };
    const acme = await json(await env.call('POST', '/v1/tenants', { name: 'Acme' }));
    await json(await env.call('POST', `/v1/tenants/${acme.id}/numbers`, { number: '5551230000', stationIdent: 'ACME FAX' }));
    await json(await env.call('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }, deliver: false }));
    const user = await json(await env.call('POST', `/v1/tenants/${acme.id}/users`, { username: 'acme', password }));
    apiKey = (await json(await env.call('POST', `/v1/tenants/${acme.id}/users/${user.id}/api-keys`, { label: 'cli' }))).key!;
    pdf = join(env.dataDir, 'letter.pdf');
    await makePdf(pdf, [boxPage(0.25), boxPage(0.5)]);
  }, 30_000);
  afterAll(async () => {
    await env?.close();
  });

  const userEnv = () => ({ FAXENGINE_URL: base, FAXENGINE_USER: 'acme', FAXENGINE_PASSWORD: password });

  async function run(args: string[], extraEnv: Record<string, string> = userEnv()) {
    const cli = startCli(['send', ...args], { env: extraEnv });
    const code = await cli.exited;
    return { code, out: cli.stdout().split('\n').filter(Boolean), err: cli.stderr() };
  }

  it('uploads the PDF and prints queued → dialing → pages → sent, exiting 0', async () => {
    const { code, out, err } = await run(['--to', '+15557654321', '--from', '5551230000', '--header', 'Acme Corp', '--resolution', 'standard', pdf]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^fax [0-9a-f-]{36}: \+15551230000 → \+15557654321$/);
    expect(out).toEqual(expect.arrayContaining(['queued (2 pages)', 'dialing +15557654321 via carrier1 (attempt 1)', 'answered', 'page 1 of 2', 'page 2 of 2']));
    expect(out.at(-1)).toBe('sent: 2 pages to +15557654321 in 1 attempt');
    expect(out.indexOf('queued (2 pages)')).toBeLessThan(out.indexOf('page 1 of 2'));

    const faxId = /^fax (\S+):/.exec(out[0]!)![1]!;
    const fax = (await (await env.call('GET', `/v1/faxes/${faxId}`)).json()) as Record<string, unknown>;
    expect(fax).toMatchObject({ direction: 'outbound', status: 'sent', to: '+15557654321', from: '+15551230000' });
  });

  it('exits 1 with the reason when the fax fails, and --no-wait prints only the id', async () => {
    const failed = await run(['--to', '+15550000009', '--from', '+15551230000', pdf]);
    expect(failed.code).toBe(1);
    expect(failed.out.at(-1)).toMatch(/^failed: .*UNALLOCATED_NUMBER/);

    const queued = await run(['--no-wait', '--api-key', apiKey, '--to', '+15557654321', '--from', '+15551230000', pdf], { FAXENGINE_URL: base });
    expect(queued.code).toBe(0);
    expect(queued.out).toHaveLength(1);
    const id = queued.out[0]!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    // The fax is the tenant's; the read model shows it a moment after the 202.
    let status = 0;
    for (let tries = 0; tries < 100 && status !== 200; tries++) {
      status = (await env.call('GET', `/v1/faxes/${id}`, undefined, basicAuth('acme', password))).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe(200);
  });

  it('prints the server’s problem detail and exits 2 on HTTP errors', async () => {
    const notOurs = await run(['--to', '+15557654321', '--from', '+15559999999', pdf]);
    expect(notOurs.code).toBe(2);
    expect(notOurs.err).toMatch(/^faxengine send: HTTP 403 Forbidden: from: /);

    const badPassword = await run(['--to', '+15557654321', '--from', '+15551230000', pdf], { ...userEnv(), FAXENGINE_PASSWORD: 'wrong password' });
    expect(badPassword.code).toBe(2);
    expect(badPassword.err).toContain('HTTP 401 Unauthorized: valid credentials required');
  });

  it('exits 2 with a clear message for a missing file, before contacting the server', async () => {
    const { code, out, err } = await run(['--to', '+15557654321', '--from', '+15551230000', pdf, join(env.dataDir, 'nope.pdf')]);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toContain(`faxengine send: file not found: ${join(env.dataDir, 'nope.pdf')}`);
  });
});
