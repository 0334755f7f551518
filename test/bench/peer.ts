// faxengine against gofaxserver's own figures (#17): the CPU seconds of the server process itself
// (utime + stime from /proc/<pid>/stat: not its children, ghostscript and the like; the spawn helper
// that starts them is reported apart, sendHelperCpuMsPerFax) and its memory
// per fax, for N inbound faxes (3 pages, all at once) and N outbound faxes submitted over the API as
// a user would (a distinct 2-page PDF each, by API key, 8 submissions at a time), through the
// simulator (this process, timeScale 0.01) against `faxengine serve` (compiled, a child process).
// Idle RSS is read after `--settle-seconds` with nothing to do, at the start and again after the
// run; peak RSS is the highest VmRSS sampled during each phase, VmHWM the process's peak over the
// whole run.
// Both directions run in rounds (`--rounds`, at least 2), each with new callers, numbers and
// documents: the first round is the cost right after a start (V8 is still compiling the hot code,
// caches fill), the last (`warm`) the cost of a server that has been running, which is what a
// server pays for years. Each phase also says how much of the CPU was the main thread (the event
// loop); the rest is V8's compiler and GC threads, the thread pool's fsyncs and file calls, and
// SQLite's checkpointer. Each round logs the server's V8 heap (from /metrics) to stderr.
// Run: npx tsx test/bench/peer.ts [--faxes 200] [--settle-seconds 60] [--rounds 2] (`warm` is the last round)
// Last line: one JSON object; gofaxserver's figures are constants from the side-by-side run in #17
// (targets: at or below its CPU per fax both ways, idle RSS < 80 MB).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { createSimulator } from '../../src/sim/simulator.js';
import { freePort } from '../support/freePort.js';
import { makeTempDir } from '../support/tempDir.js';
import { twoPagePdf } from '../support/twoPagePdf.js';
import { submitFaxes } from '../support/submitFaxes.js';
import { buildDist, startCompiledServe } from './compiledServer.js';
import { cpuMsSince, nodeChildrenCpuMs, sampleRssOf, statusMb, threadCpuMs } from './procStats.js';

const { values: args } = parseArgs({ options: { faxes: { type: 'string', default: '200' }, 'settle-seconds': { type: 'string', default: '60' }, rounds: { type: 'string', default: '2' } } });
const FAXES = Number(args.faxes);
const SETTLE_SECONDS = Number(args['settle-seconds']);
const ROUNDS = Math.max(2, Number(args.rounds));
const SUBMITTERS = 8;
const adminKey = 'bench-admin-key-0123456789';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (text: string) => process.stderr.write(`peer: ${text}\n`);

/** gofaxserver (Go, PostgreSQL) on the same simulated calls, as issue #17 reports it: constants, not measured here. */
const gofaxserverFromIssue17 = {
  cpuMsPerFaxReceive: '9-10',
  cpuMsPerFaxSend: '11-12',
  idleRssMb: 27,
  peakRssMbReceive: '37-65',
  peakRssMbSend: 33,
};

buildDist();
const dir = makeTempDir('bench-peer');
const [eslPort, socketPort] = [await freePort(), await freePort()];
const sim = await createSimulator({
  listen: { host: '127.0.0.1', port: eslPort },
  dial: { host: '127.0.0.1', port: socketPort },
  timeScale: 0.01,
  scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, defaultStation: { pages: 3, t38: 'none', ringSeconds: 1 } },
});
const serve = await startCompiledServe({ dataDir: dir.path, eslPort, socketPort, adminKey });
const events = new Database(join(dir.path, 'events.sqlite'), { readonly: true });
const count = events.prepare<[string], number>('SELECT count(*) FROM events WHERE type = ?').pluck();
try {
  const call = async (path: string, body: unknown, authorization = basic('admin', adminKey)) => {
    const response = await fetch(`${serve.base}${path}`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (response.status >= 300) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const tenant = await call('/v1/tenants', { name: 'Peer' });
  await call(`/v1/tenants/${tenant.id}/numbers`, { number: '5551230000' });
  await call('/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' } });
  const user = { username: 'peer', password: 'peer long password' };
  await call(`/v1/tenants/${tenant.id}/users`, user);
  const apiKey = String((await call('/v1/me/api-keys', { label: 'peer' }, basic(user.username, user.password))).key);

  log(`idle for ${SETTLE_SECONDS} s`);
  await sleep(SETTLE_SECONDS * 1000);
  const idleRssMb = statusMb(serve.pid, 'VmRSS');

  /** Runs `work`, waits until `done` more events of the `types` are stored, and answers the server's CPU and peak RSS meanwhile. */
  const phase = async (types: string[], done: number, work: () => Promise<void>) => {
    const stored = () => types.reduce((sum, type) => sum + count.get(type)!, 0);
    const before = stored();
    const rss = sampleRssOf(serve.pid, 20);
    const cpuBefore = threadCpuMs(serve.pid);
    const helperBefore = nodeChildrenCpuMs(serve.pid);
    const started = performance.now();
    await work();
    while (stored() - before < done) {
      if (performance.now() - started > 900_000) throw new Error(`only ${stored() - before} of ${done} ${types.join('/')} after 15 minutes`);
      await sleep(100);
    }
    // What the server does right after the last fax (read models, publisher, notifiers) is its cost too.
    await sleep(1000);
    const perFax = (ms: number) => Math.round((ms / done) * 10) / 10;
    const cpuAfter = threadCpuMs(serve.pid);
    return {
      cpuMsPerFax: perFax(cpuAfter.all - cpuBefore.all),
      mainThreadCpuMsPerFax: perFax(cpuAfter.main - cpuBefore.main),
      helperCpuMsPerFax: perFax(cpuMsSince(helperBefore, nodeChildrenCpuMs(serve.pid))),
      peakRssMb: rss.stop(),
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
  };

  /** The server's V8 heap and the memory V8 knows of outside it (Buffers, SQLite's is not counted), from its /metrics, in MB. */
  const serverHeap = async () => {
    const text = await (await fetch(`${serve.base}/metrics`)).text();
    const mb = (metric: string) => Math.round(Number(new RegExp(`^${metric} (\\S+)`, 'm').exec(text)?.[1]) / 1e6);
    return { heapUsedMb: mb('nodejs_heap_size_used_bytes'), heapTotalMb: mb('nodejs_heap_size_total_bytes'), externalMb: mb('nodejs_external_memory_bytes') };
  };
  /** One round: FAXES received, then FAXES sent, each fax with a caller, a number and a document of its own (`round` keeps them apart from other rounds'). */
  const runRound = async (round: number) => {
    log(`round ${round + 1}: receiving ${FAXES} faxes`);
    const inbound = await phase(['FaxReceived', 'FaxReceiveFailed'], FAXES, async () => {
      const calls = Array.from({ length: FAXES }, (_, index) => sim.startInboundCall({ from: `1555${String(2000000 + round * FAXES + index)}`, to: '15551230000', gateway: 'carrier1' }));
      await Promise.all(calls.map((handle) => handle.finished));
    });
    log(`round ${round + 1}: sending ${FAXES} faxes`);
    const documents = Array.from({ length: FAXES }, (_, index) => twoPagePdf(`peer ${round} ${index}`));
    const outbound = await phase(['FaxSent', 'FaxFailed'], FAXES, async () => {
      await submitFaxes({ base: serve.base, apiKey, documents, submitters: SUBMITTERS, firstNumber: round * FAXES });
    });
    log(`round ${round + 1}: V8 heap used ${(await serverHeap()).heapUsedMb} MB, RSS ${statusMb(serve.pid, 'VmRSS')} MB`);
    log(`round ${round + 1}: CPU per fax received ${inbound.cpuMsPerFax} ms (main thread ${inbound.mainThreadCpuMsPerFax}), sent ${outbound.cpuMsPerFax} ms (main thread ${outbound.mainThreadCpuMsPerFax})`);
    return { inbound, outbound };
  };
  const first = await runRound(0);
  let warm = await runRound(1);
  for (let round = 2; round < ROUNDS; round++) warm = await runRound(round);
  log(`idle for ${SETTLE_SECONDS} s after the run`);
  await sleep(SETTLE_SECONDS * 1000);
  const idleRssAfterRunMb = statusMb(serve.pid, 'VmRSS');
  const idleHeapAfterRun = await serverHeap();
  const failed = count.get('FaxFailed')!;
  const receiveFailed = count.get('FaxReceiveFailed')!;

  console.log(
    JSON.stringify({
      faxes: FAXES,
      // The first FAXES each way after the start.
      receiveCpuMsPerFax: first.inbound.cpuMsPerFax,
      sendCpuMsPerFax: first.outbound.cpuMsPerFax,
      receiveMainThreadCpuMsPerFax: first.inbound.mainThreadCpuMsPerFax,
      sendMainThreadCpuMsPerFax: first.outbound.mainThreadCpuMsPerFax,
      // The spawn helper that starts ghostscript for the server: not the server, but its work.
      sendHelperCpuMsPerFax: first.outbound.helperCpuMsPerFax,
      // The last round's FAXES each way (new callers, numbers and documents): a server that has been running.
      warm: {
        receiveCpuMsPerFax: warm.inbound.cpuMsPerFax,
        sendCpuMsPerFax: warm.outbound.cpuMsPerFax,
        receiveMainThreadCpuMsPerFax: warm.inbound.mainThreadCpuMsPerFax,
        sendMainThreadCpuMsPerFax: warm.outbound.mainThreadCpuMsPerFax,
        sendHelperCpuMsPerFax: warm.outbound.helperCpuMsPerFax,
        peakRssMbReceive: warm.inbound.peakRssMb,
        peakRssMbSend: warm.outbound.peakRssMb,
      },
      idleRssMb,
      // Idle again after all the rounds: what the faxes left behind (caches are bounded; V8 keeps some heap).
      idleRssAfterRunMb,
      idleHeapAfterRun,
      idleSettleSeconds: SETTLE_SECONDS,
      peakRssMbReceive: first.inbound.peakRssMb,
      peakRssMbSend: first.outbound.peakRssMb,
      vmHwmMb: statusMb(serve.pid, 'VmHWM'),
      receiveSeconds: first.inbound.seconds,
      sendSeconds: first.outbound.seconds,
      receiveFailed,
      sendFailed: failed,
      gofaxserverFromIssue17,
    }),
  );
} finally {
  events.close();
  await serve.stop();
  await sim.close();
  dir.remove();
}
process.exit();
