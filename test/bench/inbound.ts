// Inbound throughput and latency: a simulator (child process) sends 500 concurrent 3-page faxes
// (timeScale 0.01) to the whole faxengine server running in this process. Latency is measured from
// the simulator's spandsp result event (its Event-Date-Timestamp, carried as FaxReceived.receivedAt)
// to FaxReceived being persisted (the event's created time). Two phases on the same server, one JSON
// line each: `quiet`, then `paging`, where an admin client (another process) pages GET /v1/faxes
// (limit=50, following nextCursor to the end, then again from the first page) all through the calls.
// Run: npx tsx test/bench/inbound.ts (BENCH_PHASES=quiet or =paging for one; BENCH_CALLS=500)
// Lines: {"phase","faxesPerSec","p50Ms","p99Ms","cpuSecondsPerFax","peakRssMb"[,"adminList"]} (targets p99 < 50, RSS < 400).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/loadConfig.js';
import { startServer } from '../../src/main.js';
import { makeTempDir } from '../support/tempDir.js';
import { tsxLoader } from '../support/tsxLoader.js';
import { startPager, type PagerReport } from './pagerProcess.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 500);
const PHASES = (process.env.BENCH_PHASES ?? 'quiet,paging').split(',') as Array<'quiet' | 'paging'>;
const TIME_SCALE = 0.01;
const adminKey = 'bench-admin-key-0123456789';

const eslPort = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as { port: number };
    probe.close(() => resolve(port));
  });
});
const dir = makeTempDir('bench-inbound');
const { config } = loadConfig({
  cwd: dir.path,
  env: { FAXENGINE_DATA_DIR: dir.path, FAXENGINE_HTTP_LISTEN: '127.0.0.1:0', FAXENGINE_SOCKET_LISTEN: '127.0.0.1:0', FAXENGINE_FREESWITCH_ESL: `127.0.0.1:${eslPort}`, FAXENGINE_ADMIN_API_KEY: adminKey, ...(process.env.FAXENGINE_SOCKET_SETUP_CONCURRENCY ? { FAXENGINE_SOCKET_SETUP_CONCURRENCY: process.env.FAXENGINE_SOCKET_SETUP_CONCURRENCY } : {}) },
});
const server = await startServer(config, pino({ level: 'warn' }));
const api = (path: string, body: unknown) =>
  fetch(`http://127.0.0.1:${server.httpAddress.port}${path}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`admin:${adminKey}`).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const tenant = (await (await api('/v1/tenants', { name: 'Bench' })).json()) as { id: string };
await api(`/v1/tenants/${tenant.id}/numbers`, { number: '5551230000' });
await api('/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' } });

const child = spawn(process.execPath, ['--import', tsxLoader, new URL('./inboundSimChild.ts', import.meta.url).pathname, String(eslPort), String(server.socketAddress.port), String(CALLS), String(TIME_SCALE)], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const lines: string[] = [];
let partial = '';
child.stdout.on('data', (chunk: Buffer) => {
  const parts = (partial + chunk.toString()).split('\n');
  partial = parts.pop()!;
  lines.push(...parts.filter(Boolean));
});
const waitLine = async (match: (line: string) => boolean) => {
  while (!lines.some(match)) await new Promise((resolve) => setTimeout(resolve, 10));
  return lines.find(match)!;
};
await waitLine((line) => line === 'ready');

const adminAuth = `Basic ${Buffer.from(`admin:${adminKey}`).toString('base64')}`;
const runs: Array<{ seconds: number; cpu: NodeJS.CpuUsage; peakRss: number; adminList?: PagerReport }> = [];
for (const [index, phase] of PHASES.entries()) {
  const pager = phase === 'paging' ? await startPager(`http://127.0.0.1:${server.httpAddress.port}`, adminAuth) : undefined;
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  child.stdin.write(`go ${index}\n`);
  await waitLine((line) => line.startsWith(`{"phase":${index},`));
  // The last FaxReceived may be appended just after the call's hang-up: give it a moment.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  runs.push({ seconds, cpu, peakRss, ...(pager ? { adminList: await pager.stop() } : {}) });
}
// Read through the server's own store: callers' numbers are sealed personal data (a plain reader of
// the file sees none, and counted no fax at all).
const events = await server.eventStore.readAll({ streamPrefixes: ['fax-'] });
await server.close().catch(() => undefined);
child.stdin.end();
// The simulator calls from 155<5+phase>…: the offer says which phase a fax belongs to.
const phaseOf = new Map(
  events.filter((event) => event.type === 'FaxCallOffered').map((event) => [event.stream, Number((event.data as { callerNumber: string }).callerNumber[3]) - 5]),
);
dir.remove();
child.kill();
for (const [index, phase] of PHASES.entries()) {
  const run = runs[index]!;
  const received = events.filter((event) => event.type === 'FaxReceived' && phaseOf.get(event.stream) === index);
  const latencies = received.map((event) => Date.parse(event.created) - Date.parse((event.data as { receivedAt: string }).receivedAt)).sort((a, b) => a - b);
  const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  console.log(`${phase}: received ${received.length} of ${CALLS} faxes in ${run.seconds.toFixed(1)} s`);
  if (received.length !== CALLS) process.exitCode = 1;
  console.log(
    JSON.stringify({
      phase,
      faxesPerSec: Math.round((received.length / run.seconds) * 10) / 10,
      p50Ms: percentile(50),
      p99Ms: percentile(99),
      cpuSecondsPerFax: Math.round(((run.cpu.user + run.cpu.system) / 1e6 / CALLS) * 10000) / 10000,
      peakRssMb: Math.round(run.peakRss / 1024 / 1024),
      ...(run.adminList ? { adminList: run.adminList } : {}),
    }),
  );
}
// Lingering reconnect timers or sockets must not keep a finished benchmark alive.
process.exit();
