import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { faxesWhen, okJson, provisionAcme } from '../../support/e2eProvisioning.js';
import { basicAuth, startServerWithSimulator, testAdminKey } from '../../support/serverHarness.js';
import { makeSubmissionDocuments } from '../../support/submissionFixtures.js';

type Env = Awaited<ReturnType<typeof startServerWithSimulator>>;

/** The value of one series in the exposition, e.g. `faxengine_send_queue_faxes{state="waiting_to_retry"}`. */
async function sampleOf(env: Env, series: string): Promise<number | undefined> {
  const body = await (await env.call('GET', '/metrics', undefined, null)).text();
  const line = body.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Polls the exposition until `series` satisfies `wanted` (or 20 s pass), then asserts it. */
async function expectSample(env: Env, series: string, wanted: (value: number | undefined) => boolean, description: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  let value: number | undefined;
  do {
    value = await sampleOf(env, series);
    if (wanted(value)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  } while (Date.now() < deadline);
  expect({ series, value }).toEqual({ series, value: description });
}

describe('metrics of a running server', () => {
  let env: Env | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it("on by default: /metrics answers loopback without the API's credentials", async () => {
    env = await startServerWithSimulator();
    const response = await env.call('GET', '/metrics', undefined, null);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain('# TYPE faxengine_faxes_total counter');
    expect(body).toContain('# TYPE process_cpu_seconds_total counter');
  });

  it('metrics.enabled=false: there is no /metrics (404)', async () => {
    env = await startServerWithSimulator({ env: { FAXENGINE_METRICS_ENABLED: 'false' } });
    const response = await env.call('GET', '/metrics', undefined, null);
    expect(response.status).toBe(404);
  });

  it('counts connections to the outbound-socket port refused by socket.allowFrom', async () => {
    env = await startServerWithSimulator();
    expect(await sampleOf(env, 'faxengine_inbound_sockets_refused_total')).toBe(0);
    // 127.0.0.2 is loopback too, but not in the default allow-list (127.0.0.1, ::1).
    const socket = connect({ host: '127.0.0.1', port: env.server.socketAddress.port, localAddress: '127.0.0.2' });
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('close', resolve));
    await expectSample(env, 'faxengine_inbound_sockets_refused_total', (value) => value === 1, '1');
  });

  it('shows the send queue: a call holding the only channel, a fax waiting for it, one waiting to retry', async () => {
    env = await startServerWithSimulator({
      scenario: {
        gateways: { carrier1: { ip: '10.1.1.1' } },
        stations: {
          // Rings for 100,000 simulated seconds (200 s here): holds the channel until cancelled.
          '15557654321': { ringSeconds: 100_000 },
          '15550000002': { outcome: 'USER_BUSY', ringSeconds: 0 },
        },
      },
      env: { FAXENGINE_SEND_CHANNELS: '1', FAXENGINE_SEND_BUSY_RETRY_DELAY_MS: '600000' },
    });
    await provisionAcme(env, { globalGateways: [{ kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }] });
    const documents = await makeSubmissionDocuments(env.dataDir);
    const submit = async (to: string) => {
      const form = new FormData();
      form.set('to', to);
      form.set('from', '5551230000');
      form.append('file', new Blob([documents.png], { type: 'image/png' }), 'logo.png');
      const response = await fetch(`http://127.0.0.1:${env!.server.httpAddress.port}/v1/faxes`, { method: 'POST', headers: { authorization: basicAuth('admin', testAdminKey) }, body: form });
      return String((await okJson(response)).id);
    };
    const busy = await submit('5550000002');
    await faxesWhen(env, (faxes) => faxes.some((fax) => fax.faxId === busy && fax.status === 'retrying'));
    await expectSample(env, 'faxengine_send_queue_faxes{state="waiting_to_retry"}', (value) => value === 1, '1');
    const ringing = await submit('5557654321');
    await expectSample(env, 'faxengine_send_channels_in_use{gateway="carrier1"}', (value) => value === 1, '1');
    const waiting = await submit('5557654321');
    await expectSample(env, 'faxengine_send_queue_faxes{state="waiting_for_channel"}', (value) => value === 1, '1');
    await expectSample(env, 'faxengine_send_queue_oldest_age_seconds', (value) => value !== undefined && value > 0, '> 0');
    // The channel is taken before the originate goes out; the call counts once the dialer follows it.
    await expectSample(env, 'faxengine_calls_in_progress{direction="outbound",node="default"}', (value) => value === 1, '1');
    for (const faxId of [waiting, ringing, busy]) expect((await env.call('DELETE', `/v1/faxes/${faxId}`)).status).toBe(202);
    await expectSample(env, 'faxengine_send_queue_faxes{state="waiting_for_channel"}', (value) => value === 0, '0');
    await expectSample(env, 'faxengine_send_queue_faxes{state="waiting_to_retry"}', (value) => value === 0, '0');
    await expectSample(env, 'faxengine_send_queue_oldest_age_seconds', (value) => value === 0, '0');
  });
});
