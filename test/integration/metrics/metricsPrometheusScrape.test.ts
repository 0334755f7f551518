import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { faxesWhen, okJson, provisionAcme } from '../../support/e2eProvisioning.js';
import { requireBinary, startPrometheus, type PrometheusServer } from '../../support/metricsPrometheus.js';
import { basicAuth, startServerWithSimulator, testAdminKey } from '../../support/serverHarness.js';
import { makeSubmissionDocuments } from '../../support/submissionFixtures.js';
import { startWebhookReceiver } from '../../support/webhookReceiver.js';

type Server = Awaited<ReturnType<typeof startServerWithSimulator>>;
type Fax = Record<string, unknown>;
interface StoredEvent {
  type: string;
  data: Record<string, unknown>;
}

const token = 'prometheus-scrape-token-42';

/**
 * faxengine as `serve` runs it, a real Prometheus scraping it every second with a bearer token,
 * and faxes in and out through the simulator: received over T.38 and over audio, one failing
 * mid-page, one refused; sent over T.38 and over audio, one to a busy line; a document that
 * cannot be converted; webhook and e-mail notifications (one webhook retried, e-mail
 * dead-lettered for want of SMTP). The counters Prometheus stored must be the hand-computed ones.
 */
describe('Prometheus scraping faxengine', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function submit(env: Server, to: string, file: { bytes: Uint8Array; type: string; name: string }): Promise<Response> {
    const form = new FormData();
    form.set('to', to);
    form.set('from', '5551230000');
    form.append('file', new Blob([file.bytes], { type: file.type }), file.name);
    return fetch(`http://127.0.0.1:${env.server.httpAddress.port}/v1/faxes`, { method: 'POST', headers: { authorization: basicAuth('admin', testAdminKey) }, body: form });
  }

  /** Polls Prometheus until `query` has the value wanted (or 60 s pass), then asserts it. */
  async function eventually(prometheus: PrometheusServer, query: string, wanted: number): Promise<void> {
    const deadline = Date.now() + 60_000;
    let value: number | undefined;
    do {
      value = await prometheus.value(query);
      if (value === wanted) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    } while (Date.now() < deadline);
    expect({ query, value, lastScrapeError: await prometheus.lastScrapeError() }).toEqual({ query, value: wanted, lastScrapeError: '' });
  }

  it('stores the counts of faxes, attempts, pages, negotiations, refusals, conversions and notifications', async () => {
    requireBinary('promtool');
    const receiver = await startWebhookReceiver(null, (attempt) => (attempt === 1 ? 500 : 200));
    cleanups.push(() => receiver.close());
    const env = await startServerWithSimulator({
      scenario: {
        gateways: { carrier1: { ip: '10.1.1.1' } },
        stations: {
          // Callers (inbound): T.38, audio only, and one failing after its first page.
          '5550001111': { pages: 1 },
          '5550003333': { pages: 2, t38: 'none', rate: 9600 },
          '5550002222': { pages: 2, failure: { code: 49, afterPages: 1 } },
          // Called (outbound): T.38, audio only, busy.
          '15557654321': { ringSeconds: 0 },
          '15557650002': { ringSeconds: 0, t38: 'none', rate: 9600 },
          '15550000002': { outcome: 'USER_BUSY', ringSeconds: 0 },
        },
      },
      env: {
        FAXENGINE_METRICS_BEARER_TOKEN: token,
        FAXENGINE_SEND_MAX_ATTEMPTS: '2',
        FAXENGINE_SEND_BUSY_RETRY_DELAY_MS: '1000',
        FAXENGINE_NOTIFICATIONS_RETRY_SCHEDULE: '200ms,200ms,200ms',
      },
    });
    cleanups.push(() => env.close());
    const prometheus = await startPrometheus({ host: '127.0.0.1', port: env.server.httpAddress.port, bearerToken: token });
    cleanups.push(() => prometheus.stop());

    const tenant = await provisionAcme(env, { globalGateways: [{ kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }] });
    await okJson(await env.call('POST', `/v1/tenants/${tenant}/endpoints`, { target: { kind: 'webhook', url: receiver.url }, priority: 0 }));
    await okJson(await env.call('POST', `/v1/tenants/${tenant}/endpoints`, { target: { kind: 'email', addresses: ['fax@acme.example'] }, priority: 1 }));

    await env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;
    await env.sim.startInboundCall({ from: '5550003333', to: '15551230000', gateway: 'carrier1' }).finished;
    await env.sim.startInboundCall({ from: '5550002222', to: '15551230000', gateway: 'carrier1' }).finished;
    await env.sim.startInboundCall({ from: '5550001111', to: '15559999999', gateway: 'carrier1' }).finished;
    const documents = await makeSubmissionDocuments(env.dataDir);
    const png = { bytes: documents.png, type: 'image/png', name: 'logo.png' };
    for (const to of ['5557654321', '5557650002', '5550000002']) await okJson(await submit(env, to, png));
    expect((await submit(env, '5557654321', { bytes: documents.corruptPdf, type: 'application/pdf', name: 'broken.pdf' })).status).toBe(422);

    const settled = (faxes: Fax[]) => faxes.length === 7 && faxes.every((fax) => fax.ended === true);
    const faxes = await faxesWhen(env, settled);
    expect(settled(faxes), JSON.stringify(faxes.map((fax) => [fax.direction, fax.status]))).toBe(true);

    // Finished faxes by direction, result and tenant.
    await eventually(prometheus, `faxengine_faxes_total{direction="inbound",result="success",tenant="${tenant}"}`, 2);
    await eventually(prometheus, `sum(faxengine_faxes_total{direction="inbound",result!="success",tenant="${tenant}"})`, 1);
    await eventually(prometheus, `faxengine_faxes_total{direction="outbound",result="success",tenant="${tenant}"}`, 2);
    await eventually(prometheus, `faxengine_faxes_total{direction="outbound",result="busy",tenant="${tenant}"}`, 1);
    await eventually(prometheus, 'faxengine_inbound_calls_rejected_total{reason="unknown_number"}', 1);
    // Attempts by gateway and outcome: the busy fax tried twice.
    await eventually(prometheus, 'faxengine_send_attempts_total{gateway="carrier1",outcome="sent"}', 2);
    await eventually(prometheus, 'faxengine_send_attempts_total{gateway="carrier1",outcome="busy"}', 2);
    // Pages: in, 1 over T.38 + 2 over audio + 1 of the failed fax (T.38); out, one page each way.
    await eventually(prometheus, 'faxengine_fax_pages_total{direction="inbound",transport="t38"}', 2);
    await eventually(prometheus, 'faxengine_fax_pages_total{direction="inbound",transport="audio"}', 2);
    await eventually(prometheus, 'faxengine_fax_pages_total{direction="outbound",transport="t38"}', 1);
    await eventually(prometheus, 'faxengine_fax_pages_total{direction="outbound",transport="audio"}', 1);
    // Conversions: three documents converted, one refused.
    await eventually(prometheus, 'faxengine_document_conversion_duration_seconds_count{result="ok"}', 3);
    await eventually(prometheus, 'faxengine_document_conversion_failures_total', 1);

    // Negotiations and notifications as the faxes' stored histories hold them.
    const histories = new Map<string, StoredEvent[]>();
    const loadHistories = async () => {
      for (const fax of faxes) histories.set(String(fax.faxId), ((await okJson(await env.call('GET', `/v1/faxes/${String(fax.faxId)}/events`))) as { items: StoredEvent[] }).items);
    };
    const stored = (type: string, where: (data: Record<string, unknown>) => boolean) => [...histories.values()].flat().filter((event) => event.type === type && where(event.data)).length;
    const channel = (name: string) => (data: Record<string, unknown>) => (data.target as { channel: string }).channel === name;
    // Notifications are appended after the faxes end: wait for the webhook's and the e-mail's to settle.
    const deadline = Date.now() + 30_000;
    do {
      await loadHistories();
      if (stored('NotificationSent', channel('webhook')) >= 3 && stored('NotificationDeadLettered', channel('email')) >= 3) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    } while (Date.now() < deadline);
    const negotiations = (transport: string, rate: number) =>
      stored('FaxNegotiated', (data) => (data.t38Status === 'negotiated') === (transport === 't38') && data.transferRate === rate);
    expect(negotiations('audio', 9600)).toBeGreaterThanOrEqual(2);
    expect(negotiations('t38', 14400)).toBeGreaterThanOrEqual(3);
    for (const [transport, rate] of [['audio', 9600], ['t38', 14400], ['audio', 14400]] as const) {
      await eventually(prometheus, `sum(faxengine_fax_negotiations_total{transport="${transport}",rate_bps="${rate}"}) or vector(0)`, negotiations(transport, rate));
    }
    expect(stored('NotificationAttemptFailed', channel('webhook'))).toBeGreaterThanOrEqual(1);
    await eventually(prometheus, 'faxengine_notifications_sent_total{channel="webhook"}', stored('NotificationSent', channel('webhook')));
    await eventually(prometheus, 'faxengine_notification_retries_total{channel="webhook"}', stored('NotificationAttemptFailed', (data) => channel('webhook')(data) && data.nextAttemptAt !== null));
    await eventually(prometheus, 'faxengine_notifications_dead_lettered_total{channel="email"}', stored('NotificationDeadLettered', channel('email')));

    // Gauges: both event-socket connections up, no call left, every reactor caught up.
    await eventually(prometheus, 'sum(faxengine_freeswitch_up)', 2);
    await eventually(prometheus, 'count(faxengine_freeswitch_up)', 2);
    await eventually(prometheus, 'sum(faxengine_calls_in_progress)', 0);
    // projections, the bus publisher, station learning, the relay, store-nothing, the purge runner, the notifiers.
    await eventually(prometheus, 'count(faxengine_reactor_lag_events)', 7);
    await eventually(prometheus, 'max(faxengine_reactor_lag_events)', 0);
    await eventually(prometheus, 'sum(faxengine_send_queue_faxes)', 0);
    expect(await prometheus.value('faxengine_event_store_append_duration_seconds_count')).toBeGreaterThan(20);
    // prom-client's process and event-loop metrics, under their standard names.
    expect(await prometheus.value('process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(await prometheus.value('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);

    // The exposition itself passes promtool's lint, with every metric family present.
    const exposition = await (await fetch(`http://127.0.0.1:${env.server.httpAddress.port}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    const check = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
    expect({ status: check.status, output: check.stdout + check.stderr }).toEqual({ status: 0, output: '' });

    // Every query of the Grafana dashboard (docker/) is valid PromQL on metrics faxengine exposes.
    const dashboard = JSON.parse(readFileSync(new URL('../../../docker/grafana/dashboards/faxengine.json', import.meta.url), 'utf8')) as {
      panels: Array<{ targets?: Array<{ expr: string }> }>;
      templating: { list: Array<{ definition: string }> };
    };
    const queries = [...dashboard.panels.flatMap((panel) => panel.targets ?? []).map((target) => target.expr), ...dashboard.templating.list.map((variable) => variable.definition)];
    expect(queries.length).toBeGreaterThan(20);
    const exposed = new Set([...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((match) => match[1]));
    for (const query of queries) {
      for (const [name] of query.matchAll(/\b(?:faxengine|process|nodejs)_[a-z0-9_]+/g)) expect(exposed, `${name} in ${query}`).toContain(name.replace(/_(bucket|sum|count)$/, ''));
      if (query.startsWith('label_values(')) continue;
      await prometheus.vector(query.replaceAll('$__range', '1h').replaceAll('$tenant', '.*').replaceAll('$gateway', '.*'));
    }
  }, 180_000);
});
