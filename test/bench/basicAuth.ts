// HTTP Basic against an API key (#17): GET /v1/me by one tenant user, with its password (Basic) and
// with its API key (Bearer), from `--clients` concurrent keep-alive connections for `--seconds`
// each, against `faxengine serve` (compiled, a child process). Besides the request rates it reports
// the server's own CPU per request (/proc/<pid>/stat), which does not depend on how fast this client is.
// The login limiter counts password checks in flight from one address (5 before it answers 429),
// so the default is 4 clients; refused requests are counted by status, not as served.
// Run: npx tsx test/bench/basicAuth.ts [--seconds 5] [--clients 4]
// Last line: one JSON object; target: basicToApiKeyRate ≥ 0.8 after the first request.
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import { createSimulator } from '../../src/sim/simulator.js';
import { freePort } from '../support/freePort.js';
import { makeTempDir } from '../support/tempDir.js';
import { buildDist, startCompiledServe } from './compiledServer.js';
import { cpuMsOf } from './procStats.js';

const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, clients: { type: 'string', default: '4' } } });
const SECONDS = Number(args.seconds);
const CLIENTS = Number(args.clients);
const adminKey = 'bench-admin-key-0123456789';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

buildDist();
const dir = makeTempDir('bench-basic-auth');
const eslPort = await freePort();
const sim = await createSimulator({ listen: { host: '127.0.0.1', port: eslPort } });
const serve = await startCompiledServe({ dataDir: dir.path, eslPort, adminKey });
try {
  const call = async (path: string, body: unknown, authorization: string) => {
    const response = await fetch(`${serve.base}${path}`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (response.status >= 300) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const tenant = await call('/v1/tenants', { name: 'Auth' }, basic('admin', adminKey));
  const user = { username: 'auth-bench', password: 'auth bench long password' };
  await call(`/v1/tenants/${tenant.id}/users`, user, basic('admin', adminKey));
  const password = basic(user.username, user.password);
  const apiKey = `Bearer ${String((await call('/v1/me/api-keys', { label: 'bench' }, password)).key)}`;
  const { port } = new URL(serve.base);
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });

  const get = (authorization: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: Number(port), path: '/v1/me', agent, headers: { authorization } }, (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
      });
      req.once('error', reject);
      req.end();
    });
  /** Requests per second and server CPU ms per request with `authorization`, after one request to warm up. */
  const rate = async (authorization: string) => {
    if ((await get(authorization)) !== 200) throw new Error('GET /v1/me refused the credentials');
    const cpuBefore = cpuMsOf(serve.pid);
    const until = performance.now() + SECONDS * 1000;
    let done = 0;
    const refused: Record<number, number> = {};
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (performance.now() < until) {
          const status = await get(authorization);
          if (status === 200) done++;
          else refused[status] = (refused[status] ?? 0) + 1;
        }
      }),
    );
    return { perSecond: Math.round(done / SECONDS), serverCpuMsPerRequest: Math.round(((cpuMsOf(serve.pid) - cpuBefore) / Math.max(1, done)) * 1000) / 1000, refused };
  };
  const keyed = await rate(apiKey);
  const passworded = await rate(password);
  agent.destroy();
  console.log(
    JSON.stringify({
      clients: CLIENTS,
      apiKeyPerSecond: keyed.perSecond,
      basicPerSecond: passworded.perSecond,
      basicToApiKeyRate: Math.round((passworded.perSecond / keyed.perSecond) * 1000) / 1000,
      apiKeyServerCpuMsPerRequest: keyed.serverCpuMsPerRequest,
      basicServerCpuMsPerRequest: passworded.serverCpuMsPerRequest,
      refusedApiKey: keyed.refused,
      refusedBasic: passworded.refused,
    }),
  );
} finally {
  await serve.stop();
  await sim.close();
  dir.remove();
}
process.exit();
