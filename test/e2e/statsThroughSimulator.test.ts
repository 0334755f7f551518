import { afterEach, describe, expect, it } from 'vitest';
import { faxesWhen, provisionAcme } from '../support/e2eProvisioning.js';
import { basicAuth, startServerWithSimulator } from '../support/serverHarness.js';
import { makeSubmissionDocuments } from '../support/submissionFixtures.js';

type Env = Awaited<ReturnType<typeof startServerWithSimulator>>;
type Fax = { faxId: string; direction: string; ended: boolean; pages: number; t38Status: string | null; result: { reasonClass: string } | null; status: string };

const scenario = {
  gateways: { carrier1: { ip: '10.1.1.1' } },
  stations: {
    // Audio only, three pages; then one that breaks off after its first page (T.30 code 26).
    '5550001111': { pages: 3, ident: 'SENDER', t38: 'none' as const },
    '5550002222': { pages: 2, failure: { code: 26, afterPages: 1 } },
  },
  defaultStation: { ident: 'REMOTE 7654321' },
};

/** The streams the real receive and send paths write (not hand-made ones) fold into the statistics the fax views tell. */
describe('statistics of faxes received and sent through the simulator', () => {
  let env: Env | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('counts each fax once, with its pages, result, transport, gateway and station', async () => {
    env = await startServerWithSimulator({ scenario });
    await provisionAcme(env, { globalGateways: [{ kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }], user: { username: 'acme', password: 'acme long password' } });
    const auth = basicAuth('acme', 'acme long password');

    await env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;
    await env.sim.startInboundCall({ from: '5550002222', to: '15551230000', gateway: 'carrier1' }).finished;
    const documents = await makeSubmissionDocuments(env.dataDir);
    const form = new FormData();
    form.set('to', '5557654321');
    form.set('from', '5551230000');
    form.append('file', new Blob([documents.pdf], { type: 'application/pdf' }), 'letter.pdf');
    const submitted = await fetch(`http://127.0.0.1:${env.server.httpAddress.port}/v1/faxes`, { method: 'POST', headers: { authorization: auth }, body: form });
    expect(submitted.status).toBe(202);

    const faxes = (await faxesWhen(env, (list) => list.length === 3 && list.every((fax) => fax.ended === true && fax.status !== 'sending'), auth)) as unknown as Fax[];
    expect(faxes.map((fax) => fax.status).sort()).toEqual(['failed', 'received', 'sent']);
    const failed = faxes.find((fax) => fax.status === 'failed')!;
    const pages = faxes.reduce((sum, fax) => sum + fax.pages, 0);
    const t38 = faxes.filter((fax) => fax.t38Status === 'negotiated' || fax.t38Status === 'requested').length;

    // The fax views are final before the statistics of the same events are: poll.
    let summary: any;
    for (let tries = 0; tries < 200; tries++) {
      summary = (await (await env.call('GET', '/v1/stats/summary?window=1h', undefined, auth)).json()) as any;
      if (summary.figures?.faxes?.total === 3) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(summary.figures).toMatchObject({
      faxes: { total: 3, inbound: 2, outbound: 1 },
      succeeded: 2,
      failed: 1,
      successRate: 0.6667,
      pages,
      attempts: 1,
      attemptsPerSuccess: 1,
      topFailureCauses: [{ cause: failed.result!.reasonClass, count: 1 }],
      transport: { t38, audio: 3 - t38 },
    });
    expect(pages).toBe(3 + 1 + 2);
    expect(summary.figures.pagesPerMinute).toBeGreaterThan(0);

    const gateways = (await (await env.call('GET', '/v1/stats/gateways?window=1h', undefined, auth)).json()) as any;
    expect(gateways.items.map((item: any) => [item.gateway, item.faxes.total])).toEqual([['carrier1', 3]]);
    const stations = (await (await env.call('GET', '/v1/stats/stations?window=1h', undefined, auth)).json()) as any;
    expect(stations.items.map((item: any) => item.station).sort()).toEqual(['+15550001111', '+15550002222', '+15557654321']);
  }, 60_000);
});
