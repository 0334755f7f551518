// A cluster's cost and throughput (#20): the same work on 1 and on 3 `faxengine serve` processes
// (compiled) sharing one PostgreSQL event store (the tests' server, test/postgres/start.sh, a
// database of its own per run) and one documents directory, driven through one simulator node
// (timeScale 0.01, in this process): N faxes received (calls spread over the instances) and N sent
// (2-page PDFs submitted by API key, spread over the instances), all at once.
// Prints one JSON line per instance count: faxes per second (both ways, wall clock from the first
// call to the last fax stored) and CPU per fax — the faxengine processes' own utime+stime summed
// (not ghostscript's, nor PostgreSQL's, which is listed beside it as postgresCpuMsPerFax).
// Run: npx tsx test/bench/cluster.ts [--faxes 200] [--instances 1,3]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createSimulator } from '../../src/sim/simulator.js';
import { createTestDatabase } from '../support/postgresServer.js';
import { freePort } from '../support/freePort.js';
import { makeTempDir } from '../support/tempDir.js';
import { buildDist, startCompiledServe, type ServeProcess } from './compiledServer.js';
import { cpuMsOf } from './procStats.js';
import { submitFaxes } from '../support/submitFaxes.js';
import { twoPagePdf } from '../support/twoPagePdf.js';

const { values: args } = parseArgs({ options: { faxes: { type: 'string', default: '200' }, instances: { type: 'string', default: '1,3' } } });
const FAXES = Number(args.faxes);
const adminKey = 'bench-cluster-admin-key-0123456789';
const admin = `Basic ${Buffer.from(`admin:${adminKey}`).toString('base64')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (text: string) => process.stderr.write(`cluster: ${text}\n`);

/** CPU of every PostgreSQL backend process (children of the server's postmaster), in ms. */
function postgresCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'latin1');
      if (cmdline.startsWith('postgres:')) total += cpuMsOf(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
}

async function run(instances: number): Promise<Record<string, unknown>> {
  const database = await createTestDatabase();
  const shared = makeTempDir('bench-cluster-shared');
  const dirs = Array.from({ length: instances }, (_, index) => makeTempDir(`bench-cluster-${index}`));
  const eslPort = await freePort();
  const sim = await createSimulator({ listen: { host: '127.0.0.1', port: eslPort }, timeScale: 0.01, scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, defaultStation: { pages: 2, t38: 'none', ringSeconds: 1 } } });
  const servers: ServeProcess[] = [];
  const events = new pg.Client({ connectionString: database.url });
  try {
    const env = {
      FAXENGINE_EVENT_STORE: database.url,
      // The instances share the documents: they need the same at-rest keys (README: Encryption at rest).
      FAXENGINE_ENCRYPTION_KEYS: `cluster:${Buffer.alloc(32, 9).toString('base64')}`,
      FAXENGINE_DOCUMENTS_DIR: join(shared.path, 'documents'),
      FAXENGINE_FAX_SPOOL_DIR: join(shared.path, 'spool'),
      FAXENGINE_NOTIFICATIONS_LINK_SIGNING_KEY: 'bench-cluster-link-signing-key-0123456789',
      FAXENGINE_EXPORTS_SIGNING_KEY: Buffer.alloc(32, 9).toString('base64'),
      FAXENGINE_SEND_CHANNELS: '30',
    };
    for (const [index, dir] of dirs.entries()) servers.push(await startCompiledServe({ dataDir: dir.path, eslPort, adminKey, env: { ...env, FAXENGINE_CLUSTER_INSTANCE_ID: `bench-${index + 1}` } }));
    const call = async (base: string, path: string, body: unknown, authorization = admin) => {
      const response = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (response.status >= 300) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as Record<string, unknown>;
    };
    const first = servers[0]!.base;
    const tenant = await call(first, '/v1/tenants', { name: 'Bench' });
    await call(first, `/v1/tenants/${tenant.id}/numbers`, { number: '5551230000' });
    await call(first, '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' } });
    await call(first, `/v1/tenants/${tenant.id}/users`, { username: 'bench', password: 'bench long password' });
    const apiKey = String((await call(first, '/v1/me/api-keys', { label: 'bench' }, `Basic ${Buffer.from('bench:bench long password').toString('base64')}`)).key);
    // Every instance routes with its own read model: wait until each knows the number.
    for (const server of servers) {
      for (;;) {
        const response = await fetch(`${server.base}/v1/tenants/${tenant.id}/numbers`, { headers: { authorization: admin } });
        if (response.status === 200 && ((await response.json()) as { items: unknown[] }).items.length > 0) break;
        await sleep(100);
      }
    }
    await events.connect();
    const stored = async () => Number((await events.query<{ n: string }>("SELECT count(*) AS n FROM events WHERE type IN ('FaxReceived', 'FaxReceiveFailed', 'FaxSent', 'FaxFailed')")).rows[0]!.n);
    const documents = Array.from({ length: FAXES }, (_, index) => twoPagePdf(`cluster ${index}`));

    const cpuBefore = servers.reduce((sum, server) => sum + cpuMsOf(server.pid), 0);
    const postgresBefore = postgresCpuMs();
    const started = performance.now();
    const inbound = Array.from({ length: FAXES }, (_, index) =>
      sim.startInboundCall({ from: `1555${String(2000000 + index)}`, to: '15551230000', gateway: 'carrier1', dial: { host: '127.0.0.1', port: servers[index % instances]!.socketPort } }).finished,
    );
    const perInstance = Array.from({ length: instances }, (_, index) => documents.filter((_, doc) => doc % instances === index));
    await Promise.all([...inbound, ...servers.map((server, index) => submitFaxes({ base: server.base, apiKey, documents: perInstance[index]!, submitters: Math.max(2, Math.ceil(8 / instances)) }))]);
    while ((await stored()) < 2 * FAXES) {
      if (performance.now() - started > 900_000) throw new Error(`only ${await stored()} of ${2 * FAXES} faxes ended after 15 minutes`);
      await sleep(100);
    }
    const seconds = (performance.now() - started) / 1000;
    // What the instances do right after the last fax (read models, notifiers) is their cost too.
    await sleep(1000);
    const cpuMs = servers.reduce((sum, server) => sum + cpuMsOf(server.pid), 0) - cpuBefore;
    const failed = Number((await events.query<{ n: string }>("SELECT count(*) AS n FROM events WHERE type IN ('FaxReceiveFailed', 'FaxFailed')")).rows[0]!.n);
    return {
      instances,
      faxes: 2 * FAXES,
      faxesPerSecond: Math.round(((2 * FAXES) / seconds) * 10) / 10,
      cpuMsPerFax: Math.round((cpuMs / (2 * FAXES)) * 10) / 10,
      postgresCpuMsPerFax: Math.round(((postgresCpuMs() - postgresBefore) / (2 * FAXES)) * 10) / 10,
      seconds: Math.round(seconds * 10) / 10,
      failed,
    };
  } finally {
    await events.end().catch(() => undefined);
    for (const server of servers) await server.stop();
    await sim.close();
    await database.drop();
    shared.remove();
    for (const dir of dirs) dir.remove();
  }
}

buildDist();
for (const count of args.instances.split(',').map(Number)) {
  log(`${count} instance(s), ${FAXES} faxes each way`);
  console.log(JSON.stringify(await run(count)));
}
process.exit();
