// The cost of Prometheus metrics (#18). 1: CPU per fax of `faxengine serve` (compiled, a child
// process; utime + stime of the server itself from /proc, not ghostscript) with metrics on (scraped
// every `--scrape-seconds`, default 15, Prometheus's usual interval) and off (`metrics.enabled=false`), in the same run, each
// on a fresh data dir: N inbound faxes (3 pages, all at once) and N outbound faxes submitted over
// the API (a distinct 2-page PDF each, 8 at a time), through the simulator (timeScale 0.01).
// 2: the time one scrape takes with 10,000 tenants' worth of label sets (maxTenantLabels 10000,
// every tenant with faxes in and out, successes and three kinds of failure: 60,000 series).
// Servers run in rounds of off, on, on, off (`--rounds`, default 2), so a change in the machine's
// load during the run weighs on both alike; the figures are each mode's CPU over all its faxes.
// Run: npx tsx test/bench/metrics.ts [--faxes 200] [--rounds 2] [--tenants 10000] [--scrape-seconds 15] (--faxes 0: the scrape only)
// Last line: one JSON object (targets: metrics on costs < 5 % more CPU per fax; scrape < 100 ms).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { createEventMetrics } from '../../src/adapters/metrics/eventMetrics.js';
import { createLabelCap } from '../../src/adapters/metrics/labelCap.js';
import { createPromMetrics } from '../../src/adapters/metrics/promMetrics.js';
import { createSimulator } from '../../src/sim/simulator.js';
import { freePort } from '../support/freePort.js';
import { makeTempDir } from '../support/tempDir.js';
import { buildDist, startCompiledServe } from './compiledServer.js';
import { cpuMsOf } from './procStats.js';
import { twoPagePdf } from '../support/twoPagePdf.js';
import { submitFaxes } from '../support/submitFaxes.js';

const { values: args } = parseArgs({ options: { faxes: { type: 'string', default: '200' }, tenants: { type: 'string', default: '10000' }, 'scrape-seconds': { type: 'string', default: '15' }, rounds: { type: 'string', default: '2' } } });
const ROUNDS = Number(args.rounds);
const SCRAPE_MS = Number(args['scrape-seconds']) * 1000;
const FAXES = Number(args.faxes);
const TENANTS = Number(args.tenants);
const SUBMITTERS = 8;
const adminKey = 'bench-admin-key-0123456789';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (text: string) => process.stderr.write(`metrics bench: ${text}\n`);
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** CPU ms per fax of one server, metrics on or off: receive phase, send phase. */
async function cpuPerFax(metricsOn: boolean): Promise<{ receive: number; send: number; scrapes: number }> {
  const dir = makeTempDir('bench-metrics');
  const [eslPort, socketPort] = [await freePort(), await freePort()];
  const sim = await createSimulator({
    listen: { host: '127.0.0.1', port: eslPort },
    dial: { host: '127.0.0.1', port: socketPort },
    timeScale: 0.01,
    scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, defaultStation: { pages: 3, ringSeconds: 1 } },
  });
  const serve = await startCompiledServe({ dataDir: dir.path, eslPort, socketPort, adminKey, env: { FAXENGINE_METRICS_ENABLED: String(metricsOn) } });
  const events = new Database(join(dir.path, 'events.sqlite'), { readonly: true });
  const count = events.prepare<[string], number>('SELECT count(*) FROM events WHERE type = ?').pluck();
  let scrapes = 0;
  let scraping = true;
  const scraper = (async () => {
    while (metricsOn && scraping) {
      const response = await fetch(`${serve.base}/metrics`);
      if (response.status !== 200) throw new Error(`/metrics: ${response.status}`);
      await response.arrayBuffer();
      scrapes += 1;
      // In short steps, so the end of the run does not wait a whole interval.
      for (let waited = 0; scraping && waited < SCRAPE_MS; waited += 100) await sleep(100);
    }
  })();
  try {
    const call = async (path: string, body: unknown, authorization = basic('admin', adminKey)) => {
      const response = await fetch(`${serve.base}${path}`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (response.status >= 300) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as Record<string, unknown>;
    };
    const tenant = await call('/v1/tenants', { name: 'Bench' });
    await call(`/v1/tenants/${tenant.id}/numbers`, { number: '5551230000' });
    await call('/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' } });
    const user = { username: 'bench', password: 'bench long password' };
    await call(`/v1/tenants/${tenant.id}/users`, user);
    const apiKey = String((await call('/v1/me/api-keys', { label: 'bench' }, basic(user.username, user.password))).key);
    await sleep(2000);

    const phase = async (types: string[], work: () => Promise<void>) => {
      const stored = () => types.reduce((sum, type) => sum + count.get(type)!, 0);
      const before = stored();
      const cpuBefore = cpuMsOf(serve.pid);
      const started = performance.now();
      await work();
      while (stored() - before < FAXES) {
        if (performance.now() - started > 900_000) throw new Error(`only ${stored() - before} of ${FAXES} ${types.join('/')} after 15 minutes`);
        await sleep(100);
      }
      // What the server does right after the last fax (read models, publisher, notifiers) is its cost too.
      await sleep(1000);
      return (cpuMsOf(serve.pid) - cpuBefore) / FAXES;
    };
    log(`metrics ${metricsOn ? 'on' : 'off'}: receiving ${FAXES} faxes`);
    const receive = await phase(['FaxReceived', 'FaxReceiveFailed'], async () => {
      const calls = Array.from({ length: FAXES }, (_, index) => sim.startInboundCall({ from: `1555${String(2000000 + index)}`, to: '15551230000', gateway: 'carrier1' }));
      await Promise.all(calls.map((handle) => handle.finished));
    });
    log(`metrics ${metricsOn ? 'on' : 'off'}: sending ${FAXES} faxes`);
    const documents = Array.from({ length: FAXES }, (_, index) => twoPagePdf(`metrics ${index}`));
    const send = await phase(['FaxSent', 'FaxFailed'], async () => {
      await submitFaxes({ base: serve.base, apiKey, documents, submitters: SUBMITTERS });
    });
    return { receive, send, scrapes };
  } finally {
    scraping = false;
    await scraper;
    events.close();
    await serve.stop();
    await sim.close();
    dir.remove();
  }
}

/** One scrape's time (median of 5) with `tenants` tenants' label sets, in-process. */
async function scrapeMs(tenants: number): Promise<{ ms: number; series: number; bytes: number }> {
  const prom = createPromMetrics();
  const count = createEventMetrics(prom.metrics, createLabelCap(tenants));
  for (let index = 0; index < tenants; index++) {
    const tenantId = `0190c0de-0000-7000-8000-${String(index).padStart(12, '0')}`;
    count({ type: 'FaxSent', data: { tenantId, gateway: 'carrier1', pages: 2, t38Status: 'negotiated' } });
    count({ type: 'FaxFailed', data: { tenantId, outcomeClass: 'busy' } });
    count({ type: 'FaxFailed', data: { tenantId, outcomeClass: 'noAnswer' } });
    count({ type: 'FaxReceived', data: { tenantId, pages: 3, t38Status: 'negotiated' } });
    count({ type: 'FaxReceiveFailed', data: { tenantId, reasonClass: 'page_transfer_failed', pagesReceived: 1, t38Status: 'off' } });
    count({ type: 'FaxCancelled', data: { tenantId } });
  }
  const times: number[] = [];
  let body = '';
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    body = (await prom.scrape()).body;
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { ms: round(times[2]!), series: body.split('\n').filter((line) => line.startsWith('faxengine_faxes_total{')).length, bytes: body.length };
}

const runs = { off: [] as Array<Awaited<ReturnType<typeof cpuPerFax>>>, on: [] as Array<Awaited<ReturnType<typeof cpuPerFax>>> };
if (FAXES > 0) {
  buildDist();
  for (let round = 0; round < ROUNDS; round++) {
    for (const metricsOn of round % 2 === 0 ? [false, true] : [true, false]) runs[metricsOn ? 'on' : 'off'].push(await cpuPerFax(metricsOn));
  }
}
const mean = (list: Array<Awaited<ReturnType<typeof cpuPerFax>>>) => ({
  receive: list.reduce((sum, run) => sum + run.receive, 0) / list.length,
  send: list.reduce((sum, run) => sum + run.send, 0) / list.length,
  scrapes: list.reduce((sum, run) => sum + run.scrapes, 0),
});
const [off, on] = [mean(runs.off), mean(runs.on)];
const scrape = await scrapeMs(TENANTS);
const overhead = (a: number, b: number) => round(((a - b) / b) * 100);
console.log(
  JSON.stringify({
    faxes: FAXES,
    rounds: ROUNDS,
    perRun: { off: runs.off.map((run) => [round(run.receive), round(run.send)]), on: runs.on.map((run) => [round(run.receive), round(run.send)]) },
    receiveCpuMsPerFaxOff: round(off.receive),
    receiveCpuMsPerFaxOn: round(on.receive),
    sendCpuMsPerFaxOff: round(off.send),
    sendCpuMsPerFaxOn: round(on.send),
    receiveOverheadPercent: overhead(on.receive, off.receive),
    sendOverheadPercent: overhead(on.send, off.send),
    totalOverheadPercent: overhead(on.receive + on.send, off.receive + off.send),
    scrapesDuringRun: on.scrapes,
    tenants: TENANTS,
    tenantSeries: scrape.series,
    scrapeMs: scrape.ms,
    scrapeBytes: scrape.bytes,
  }),
);
process.exit();
