/**
 * Authentication cost: requests per second to GET /v1/me (a cheap authenticated route) with an
 * API key and with HTTP Basic (user name and password, after the first request verified it), on
 * the real server (startServer, port 0) over real HTTP with keep-alive connections, in one
 * process so both figures share the same machine state. Phases alternate (swapping the order
 * each round, with a pause between) so neither pays for the other's garbage, and drift in the
 * machine's load hits both. Prints progress, then as its last line one JSON
 * object: apiKeyPerSec, basicPerSec, basicToApiKey (target ≥ 0.8, issue #17), and the process's
 * CPU microseconds per request for each (server and client together).
 *
 *   npx tsx test/bench/auth.ts
 */
import { Agent, request } from 'node:http';
import { basicAuth, startServerWithSimulator } from '../support/serverHarness.js';

const connections = 16;
const phaseMs = Number(process.env.AUTH_BENCH_PHASE_MS ?? 3000);
const rounds = Number(process.env.AUTH_BENCH_ROUNDS ?? 4);
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Keeps `connections` requests in flight for `ms`; answers the requests completed (all must be 200). */
async function hammer(port: number, authorization: string, ms: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const deadline = performance.now() + ms;
  let done = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/v1/me', agent, headers: { authorization } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`GET /v1/me answered ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end();
    });
  const worker = async () => {
    while (performance.now() < deadline) {
      await one();
      done++;
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  agent.destroy();
  return done;
}

async function main(): Promise<void> {
  const env = await startServerWithSimulator();
  try {
    const port = env.server.httpAddress.port;
    const tenant = (await (await env.call('POST', '/v1/tenants', { name: 'Bench' })).json()) as { id: string };
    const password = 'bench user long password';
    const created = await env.call('POST', `/v1/tenants/${tenant.id}/users`, { username: 'bench', password });
    if (created.status !== 201) throw new Error(`could not create the user: ${created.status}`);
    const basic = basicAuth('bench', password);
    const issued = await env.call('POST', '/v1/me/api-keys', { label: 'bench' }, basic);
    const bearer = `Bearer ${((await issued.json()) as { key: string }).key}`;

    // Warm-up: the JIT, the connection pool, and Basic's first (scrypt) check.
    await hammer(port, bearer, 500);
    await hammer(port, basic, 500);
    let keyRequests = 0;
    let basicRequests = 0;
    // CPU of this process (server and client) per request: steadier than the rate on a shared machine.
    const cpuMicros = { key: 0, basic: 0 };
    const pause = () => new Promise((resolve) => setTimeout(resolve, 300));
    for (let round = 0; round < rounds; round++) {
      // The phase that runs second pays for the first one's garbage and closing sockets: each round
      // swaps the order (key then Basic, Basic then key), with a pause between phases.
      const phases = round % 2 === 0 ? ([['key', bearer], ['basic', basic]] as const) : ([['basic', basic], ['key', bearer]] as const);
      const counts = { key: 0, basic: 0 };
      for (const [name, authorization] of phases) {
        await pause();
        const cpu = process.cpuUsage();
        counts[name] = await hammer(port, authorization, phaseMs);
        const used = process.cpuUsage(cpu);
        cpuMicros[name] += used.user + used.system;
      }
      log(`round ${round + 1}: API key ${((counts.key * 1000) / phaseMs).toFixed(0)}/s, Basic ${((counts.basic * 1000) / phaseMs).toFixed(0)}/s`);
      keyRequests += counts.key;
      basicRequests += counts.basic;
    }
    const seconds = (rounds * phaseMs) / 1000;
    const apiKeyPerSec = Math.round(keyRequests / seconds);
    const basicPerSec = Math.round(basicRequests / seconds);
    const apiKeyCpuMicros = Math.round(cpuMicros.key / keyRequests);
    const basicCpuMicros = Math.round(cpuMicros.basic / basicRequests);
    console.log(
      JSON.stringify({
        route: 'GET /v1/me',
        connections,
        seconds,
        apiKeyPerSec,
        basicPerSec,
        basicToApiKey: Number((basicPerSec / apiKeyPerSec).toFixed(3)),
        apiKeyCpuMicrosPerRequest: apiKeyCpuMicros,
        basicCpuMicrosPerRequest: basicCpuMicros,
      }),
    );
  } finally {
    await env.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
