// The cost of the access trail (#21 item 4) on the read path: latency of `GET /v1/faxes/{id}/document`
// (the PDF, by API key) with `records.accessTrail` on and off, each server on a fresh data dir with
// one received fax, the whole server in this process (startServer with the simulator), the client
// issuing `--concurrency` requests at a time. Servers run in rounds of off, on, on, off (`--rounds`,
// default 1), so a change in the machine's load weighs on both alike. With the trail on, the entries
// are appended in batches meanwhile: the figures include that work, as a real server pays it.
// Run: npx tsx test/bench/accessTrail.ts [--requests 3000] [--concurrency 8] [--rounds 1]
// Also `recordUs`: what one read pays synchronously for its entry (the read taken, its journal line written).
// Last line: one JSON object (target: trail on costs < 10 % more latency, p50 and mean).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createFileAccessJournal } from '../../src/adapters/accessJournal/fileAccessJournal.js';
import { createSqliteEventStore } from '../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { systemClock } from '../../src/ports/clock.js';
import { createAccessRecorder } from '../../src/runtime/accessRecorder.js';
import { makeTempDir } from '../support/tempDir.js';
import { performance } from 'node:perf_hooks';
import { basicAuth, startServerWithSimulator } from '../support/serverHarness.js';
import { faxesWhen, okJson, provisionAcme } from '../support/e2eProvisioning.js';

const { values: args } = parseArgs({ options: { requests: { type: 'string', default: '3000' }, concurrency: { type: 'string', default: '8' }, rounds: { type: 'string', default: '1' } } });
const REQUESTS = Number(args.requests);
const CONCURRENCY = Number(args.concurrency);
const ROUNDS = Number(args.rounds);
const log = (text: string) => process.stderr.write(`access trail bench: ${text}\n`);
const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Latencies (ms) of REQUESTS document reads on a fresh server with the trail on or off. */
async function latencies(trailOn: boolean): Promise<number[]> {
  const env = await startServerWithSimulator({
    env: { FAXENGINE_RECORDS_ACCESS_TRAIL: String(trailOn) },
    scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, stations: { '5550001111': { pages: 2, ident: 'SENDER' } } },
  });
  try {
    await provisionAcme(env, { globalGateways: [{ kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }], user: { username: 'bench', password: 'bench password' } });
    const key = String((await okJson(await env.call('POST', '/v1/me/api-keys', { label: 'bench' }, basicAuth('bench', 'bench password')))).key);
    await env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;
    const [fax] = await faxesWhen(env, (list) => list.length === 1 && list[0]!.status === 'received');
    const url = `http://127.0.0.1:${env.server.httpAddress.port}/v1/faxes/${String(fax!.faxId)}/document`;
    const headers = { authorization: `Bearer ${key}` };
    // Warm-up: the PDF rendition is made on first use, the key lookup and JIT settle.
    for (let i = 0; i < 50; i++) await (await fetch(url, { headers })).arrayBuffer();
    const ms: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < REQUESTS) {
          next++;
          const started = performance.now();
          const response = await fetch(url, { headers });
          await response.arrayBuffer();
          if (response.status !== 200) throw new Error(`document read answered ${response.status}`);
          ms.push(performance.now() - started);
        }
      }),
    );
    return ms;
  } finally {
    await env.close();
  }
}

const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: round(at(0.5)), p99: round(at(0.99)), mean: round(sorted.reduce((sum, value) => sum + value, 0) / sorted.length) };
};

/**
 * What a read itself pays: the synchronous time of one `record` (the entry built, one journal line
 * written), without the HTTP around it that makes the latency figures noisy on a loaded machine.
 */
async function recordCostUs(): Promise<number> {
  const dir = makeTempDir('bench-access-record');
  const eventStore = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
  const recorder = createAccessRecorder({ eventStore, clock: systemClock, logger: pino({ level: 'silent' }), journal: { journal: createFileAccessJournal(join(dir.path, 'journal')), stored: () => false } });
  const read = { faxId: 'bench-fax', tenantId: 'bench-tenant', reader: { kind: 'user', credential: 'apiKey', userId: 'u1', username: 'bench', tenantId: 'bench-tenant', apiKeyId: 'k1' }, from: { address: '203.0.113.1', userAgent: 'bench/1.0', via: 'api' }, what: { kind: 'pdf' } } as const;
  let total = 0;
  const calls = 20_000;
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    recorder.record(read);
    total += performance.now() - started;
    // Let the batches go out as they would between requests.
    if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
  }
  await recorder.close();
  await eventStore.close();
  dir.remove();
  return round((total / calls) * 1000, 2);
}

const recordUs = await recordCostUs();
log(`one record() on the read path: ${recordUs} µs`);
const off: number[] = [];
const on: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  for (const mode of [false, true, true, false]) {
    const ms = await latencies(mode);
    (mode ? on : off).push(...ms);
    log(`round ${r + 1}, trail ${mode ? 'on' : 'off'}: ${JSON.stringify(stats(ms))}`);
  }
}
const offStats = stats(off);
const onStats = stats(on);
const overhead = (a: number, b: number) => round(((a - b) / b) * 100, 1);
process.stdout.write(
  `${JSON.stringify({ bench: 'accessTrail', route: 'GET /v1/faxes/{id}/document (PDF, API key)', requests: REQUESTS, concurrency: CONCURRENCY, rounds: ROUNDS, recordUs, offMs: offStats, onMs: onStats, overheadPct: { p50: overhead(onStats.p50, offStats.p50), mean: overhead(onStats.mean, offStats.mean) } })}\n`,
);
