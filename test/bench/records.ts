// Records (#21): document read latency with encryption at rest and the access trail, vs without.
// Four servers in this process (startServer, as `faxengine serve` runs it, each with a simulator):
// encryption.documents on/off × FAXENGINE_RECORDS_ACCESS_TRAIL true/false. Each receives one fax
// through its simulator (3 pages), then GET /v1/faxes/{id}/document as PDF and as TIFF is timed,
// the four servers taking turns request by request so that the machine's noise falls on all alike.
// Ratios against "both off" are the numbers to read (absolute times depend on the machine).
// Then the purge runner's rate with crypto-shredding (purgeRate.ts, --purge faxes).
// Run: npx tsx test/bench/records.ts [--requests 300] [--purge 2000]
// Last line: one JSON object; target: encryption and access trail < 10 % more (ratio p50 < 1.10).
import { parseArgs } from 'node:util';
import { provisionAcme } from '../support/e2eProvisioning.js';
import { basicAuth, startServerWithSimulator } from '../support/serverHarness.js';
import { measurePurgeRate } from './purgeRate.js';

const { values: args } = parseArgs({ options: { requests: { type: 'string', default: '300' }, purge: { type: 'string', default: '2000' } } });
const REQUESTS = Number(args.requests);
const auth = basicAuth('acme', 'acme long password');

type Env = Awaited<ReturnType<typeof startServerWithSimulator>>;
interface Setup {
  name: string;
  encryption: boolean;
  trail: boolean;
  env: Env;
  faxId: string;
  times: { pdf: number[]; tiff: number[] };
}

async function setUp(encryption: boolean, trail: boolean): Promise<Setup> {
  const env = await startServerWithSimulator({
    scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, stations: { '5550001111': { pages: 3, ident: 'SENDER' } } },
    env: { FAXENGINE_ENCRYPTION_DOCUMENTS: String(encryption), FAXENGINE_RECORDS_ACCESS_TRAIL: String(trail) },
  });
  await provisionAcme(env, { globalGateways: [{ kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }], user: { username: 'acme', password: 'acme long password' } });
  await env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;
  let faxId: string | undefined;
  for (let tries = 0; tries < 400 && !faxId; tries++) {
    const items = ((await (await env.call('GET', '/v1/faxes', undefined, auth)).json()) as { items: Array<{ faxId: string; ended: boolean; documentId?: string }> }).items;
    faxId = items.find((fax) => fax.ended && fax.documentId)?.faxId;
    if (!faxId) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  if (!faxId) throw new Error('no fax received');
  const setup: Setup = { name: `encryption=${encryption},trail=${trail}`, encryption, trail, env, faxId, times: { pdf: [], tiff: [] } };
  // The PDF rendition is made on first use: not part of what is measured.
  await timedGet(setup, 'application/pdf');
  await timedGet(setup, 'image/tiff');
  return setup;
}

async function timedGet(setup: Setup, type: 'application/pdf' | 'image/tiff'): Promise<number> {
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${setup.env.server.httpAddress.port}/v1/faxes/${setup.faxId}/document`, { headers: { authorization: auth, accept: type } });
  const body = await response.arrayBuffer();
  const elapsed = performance.now() - started;
  if (response.status !== 200 || body.byteLength === 0) throw new Error(`${setup.name}: GET ${type} answered ${response.status}`);
  return elapsed;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

const setups: Setup[] = [];
try {
  for (const [encryption, trail] of [[false, false], [true, false], [false, true], [true, true]] as const) setups.push(await setUp(encryption, trail));
  // Basic auth checks a password per request (scrypt, cached after the first): warm every server alike.
  for (let round = 0; round < REQUESTS; round++) {
    for (const setup of setups) {
      setup.times.pdf.push(await timedGet(setup, 'application/pdf'));
      setup.times.tiff.push(await timedGet(setup, 'image/tiff'));
    }
  }
  const summary = Object.fromEntries(
    setups.map((setup) => [
      setup.name,
      Object.fromEntries((['pdf', 'tiff'] as const).map((kind) => [kind, { p50Ms: round(percentile(setup.times[kind], 50)), p99Ms: round(percentile(setup.times[kind], 99)) }])),
    ]),
  );
  const find = (encryption: boolean, trail: boolean) => setups.find((setup) => setup.encryption === encryption && setup.trail === trail)!;
  const ratio = (a: Setup, b: Setup, kind: 'pdf' | 'tiff', p: number) => round(percentile(a.times[kind], p) / percentile(b.times[kind], p));
  const base = find(false, false);
  const ratios = Object.fromEntries(
    ([['encryption', find(true, false)], ['trail', find(false, true)], ['encryptionAndTrail', find(true, true)]] as const).map(([name, setup]) => [
      name,
      { pdfP50: ratio(setup, base, 'pdf', 50), pdfP99: ratio(setup, base, 'pdf', 99), tiffP50: ratio(setup, base, 'tiff', 50), tiffP99: ratio(setup, base, 'tiff', 99) },
    ]),
  );
  for (const setup of setups.splice(0)) await setup.env.close();
  const purge = await measurePurgeRate(Number(args.purge));
  console.log(JSON.stringify({ bench: 'records', requestsPerKind: REQUESTS, latency: summary, ratiosVsNeither: ratios, purge }));
} finally {
  for (const setup of setups) await setup.env.close();
}
