// Hostile clients against `faxengine serve` (a child process, so its RSS is its own): inbound fax
// set-up time (simulator places the call → CHANNEL_ANSWER, median of a few calls) quiet, while
// 1,000 idle connections are held open on the outbound-socket port and while a 100 MB header
// flood runs on it; the server's RSS above idle during 4 concurrent 45 MB uploads to POST /v1/faxes;
// valid-login latency (GET /v1/faxes, a tenant user's password) quiet and during a 400-request
// wrong-password spray from another address. Loopback only, bounded in time (#16).
// Run: npx tsx test/bench/abuse.ts — last line is one JSON object (targets: set-up within 20 % of
// quiet, uploads < 100 MB above idle, login < 2× quiet).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { createSimulator, type Simulator } from '../../src/sim/simulator.js';
import { startServe } from '../support/serveProcess.js';
import { makeTempDir } from '../support/tempDir.js';
import { tsxLoader } from '../support/tsxLoader.js';

const CALLS_PER_PHASE = 9;
const IDLE_CONNECTIONS = 1000;
const FLOOD_BYTES = 100 * 1024 * 1024;
const UPLOAD_BYTES = 45 * 1024 * 1024;
const SPRAY_REQUESTS = 400;
const TIME_SCALE = 0.01;
const adminKey = 'bench-admin-key-0123456789';
const user = { username: 'bench', password: 'bench long password' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : Math.round(sorted[Math.floor(sorted.length / 2)]!);
};
const basic = (name: string, password: string) => `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`;
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

const dir = makeTempDir('bench-abuse');
const eslPort = await freePort();
// faxengine connects to the ESL port at start; the simulator that places calls needs faxengine's
// socket port, so a first simulator answers until the second one takes over.
const scenario = { gateways: { carrier1: { ip: '10.1.1.1' } }, defaultStation: { pages: 1, t38: 'none' as const } };
const placeholder = await createSimulator({ listen: { host: '127.0.0.1', port: eslPort }, timeScale: TIME_SCALE, scenario });
const serve = await startServe({ dataDir: dir.path, eslPort, env: { FAXENGINE_ADMIN_API_KEY: adminKey, FAXENGINE_LOG_LEVEL: 'info' } });
await placeholder.close();
const sim: Simulator = await createSimulator({ listen: { host: '127.0.0.1', port: eslPort }, dial: { host: '127.0.0.1', port: serve.socket }, timeScale: TIME_SCALE, scenario });
const base = `http://127.0.0.1:${serve.http}`;
const rssMb = () => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${serve.cli.child.pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
};
/** The server's CPU time so far (user + system), from /proc/<pid>/stat, in milliseconds. */
const cpuMs = () => {
  const fields = readFileSync(`/proc/${serve.cli.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
};
const admin = async (path: string, body: unknown) => {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization: basic('admin', adminKey), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status >= 300) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
};

try {
  const tenant = await admin('/v1/tenants', { name: 'Bench' });
  await admin(`/v1/tenants/${tenant.id}/numbers`, { number: '5551230000' });
  await admin('/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' } });
  await admin(`/v1/tenants/${tenant.id}/users`, user);
  // Wait until faxengine's event socket to the simulator is up.
  for (let tries = 0; tries < 400 && sim.connections().filter((connection) => connection.open).length === 0; tries++) await sleep(25);

  /** Places one call and answers how long it took until FreeSWITCH (the simulator) saw it answered. */
  const setUpMs = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const placed = performance.now();
      const call = sim.startInboundCall({ from: '15552000001', to: '15551230000', gateway: 'carrier1' });
      const timer = setTimeout(() => reject(new Error('call not answered within 60 s')), 60_000);
      const sink = {
        deliver(event: { name: string }) {
          if (event.name !== 'CHANNEL_ANSWER') return;
          clearTimeout(timer);
          sim.context.hub.remove(sink);
          resolve(performance.now() - placed);
        },
      };
      sim.context.hub.route(sink, [call.uuid]);
      void call.finished.then(() => clearTimeout(timer));
    });
  const setUpPhase = async () => {
    const times: number[] = [];
    for (let call = 0; call < CALLS_PER_PHASE; call++) {
      times.push(await setUpMs());
      await sleep(200);
    }
    return median(times);
  };

  await setUpPhase(); // warm-up
  const quietCpuStart = cpuMs();
  const quietStarted = performance.now();
  const setupQuietMs = await setUpPhase();
  const quietCpuShare = (cpuMs() - quietCpuStart) / (performance.now() - quietStarted);

  /** Runs `work` while an attack child process runs; answers its result and the attack's report. */
  const underAttack = async <T>(args: string[], work: () => Promise<T>, port = serve.socket) => {
    const child = spawn(process.execPath, ['--import', tsxLoader, new URL('./abuseAttackChild.ts', import.meta.url).pathname, String(port), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    for (let tries = 0; tries < 2400 && !out.includes('attacking'); tries++) await sleep(25);
    await sleep(500);
    const cpuStart = cpuMs();
    const started = performance.now();
    const result = await work();
    const serverCpuShare = (cpuMs() - cpuStart) / (performance.now() - started);
    child.stdin.end('stop\n');
    await new Promise((resolve) => child.once('exit', resolve));
    const attack = JSON.parse(out.split('\n').find((line) => line.startsWith('{')) ?? '{}') as Record<string, number>;
    return { result, attack: { ...attack, serverCpuShare: Math.round(serverCpuShare * 100) / 100 } };
  };

  // 1,000 idle connections, kept at 1,000 as faxengine closes them (an attacker reconnects).
  const idle = await underAttack(['idle', String(IDLE_CONNECTIONS)], setUpPhase);

  // A 100 MB header flood spread over the phase (~5 s), in new connections as each is cut off at
  // the cap; then floods back to back as fast as this machine sends them (the attacker's own CPU
  // and the kernel's loopback copies share the server's cores here).
  await sleep(500);
  const idleRssBeforeFlood = rssMb();
  let floodPeakRss = idleRssBeforeFlood;
  const floodSampler = setInterval(() => (floodPeakRss = Math.max(floodPeakRss, rssMb())), 50);
  const flood = await underAttack(['flood', String(FLOOD_BYTES), String(FLOOD_BYTES / 5)], setUpPhase);
  const unboundedFlood = await underAttack(['flood', String(Number.MAX_SAFE_INTEGER), '0'], setUpPhase);
  clearInterval(floodSampler);

  // Four 45 MB uploads at once (over the 20 MB limit): how much memory the server takes for them.
  await sleep(1000);
  const idleRss = rssMb();
  let uploadPeakRss = idleRss;
  const uploadSampler = setInterval(() => (uploadPeakRss = Math.max(uploadPeakRss, rssMb())), 20);
  const payload = new Blob([Buffer.alloc(UPLOAD_BYTES, 0x25)], { type: 'application/pdf' });
  const uploadStatuses = await Promise.all(
    Array.from({ length: 4 }, async () => {
      const form = new FormData();
      form.set('to', '+15557654321');
      form.set('from', '+15551230000');
      form.set('file', payload, 'big.pdf');
      try {
        const response = await fetch(`${base}/v1/faxes`, { method: 'POST', headers: { authorization: basic(user.username, user.password) }, body: form, signal: AbortSignal.timeout(120_000) });
        await response.arrayBuffer();
        return response.status;
      } catch (error) {
        return `error: ${(error as Error).message}`;
      }
    }),
  );
  await sleep(200);
  clearInterval(uploadSampler);

  // Valid logins, quiet and during a wrong-password spray. The spray comes from 127.0.0.1, the valid
  // user from 127.0.0.2: an address that sprays is itself slowed down (by design), and the figure
  // that matters is whether everybody else still gets in.
  const login = () =>
    new Promise<{ ms: number; status: number }>((resolve, reject) => {
      const started = performance.now();
      const { hostname, port } = new URL(base);
      const req = httpRequest(
        { host: hostname, port, path: '/v1/faxes', localAddress: '127.0.0.2', agent: false, headers: { authorization: basic(user.username, user.password) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ ms: performance.now() - started, status: res.statusCode ?? 0 }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  for (let warm = 0; warm < 3; warm++) await login();
  const quietLogins: number[] = [];
  for (let attempt = 0; attempt < 10; attempt++) quietLogins.push((await login()).ms);
  // The spray runs in the attack child (its client CPU is not the server's), 400 wrong passwords
  // for the same user over about 4 s; the valid user keeps logging in meanwhile.
  const spray = await underAttack(
    ['spray', String(SPRAY_REQUESTS), user.username],
    async () => {
      const samples: Array<{ ms: number; status: number }> = [];
      const until = performance.now() + 3500;
      while (performance.now() < until) samples.push(await login());
      return samples;
    },
    serve.http,
  );
  const sprayLogins = spray.result;
  const sprayStatuses = spray.attack;

  const line = {
    setupQuietMs,
    quietServerCpuShare: Math.round(quietCpuShare * 100) / 100,
    setupIdle1000Ms: idle.result,
    setupHeaderFlood100MbMs: flood.result,
    setupBackToBackFloodsMs: unboundedFlood.result,
    idleAttack: idle.attack,
    floodAttack: flood.attack,
    backToBackFloodAttack: unboundedFlood.attack,
    floodPeakRssAboveIdleMb: Math.round(floodPeakRss - idleRssBeforeFlood),
    rssBeforeFloodsMb: Math.round(idleRssBeforeFlood),
    rssAfterFloodsMb: Math.round(idleRss),
    uploadPeakRssAboveIdleMb: Math.round(uploadPeakRss - idleRss),
    uploadStatuses,
    loginQuietMs: median(quietLogins),
    loginDuringSprayMs: median(sprayLogins.map((entry) => entry.ms)),
    loginDuringSprayStatuses: sprayLogins.reduce<Record<string, number>>((counts, entry) => ({ ...counts, [entry.status]: (counts[entry.status] ?? 0) + 1 }), {}),
    sprayStatuses,
  };
  console.log(JSON.stringify(line));
} finally {
  serve.cli.child.kill('SIGKILL');
  await sim.close().catch(() => undefined);
  dir.remove();
}
// Lingering sockets must not keep a finished benchmark alive.
process.exit();
