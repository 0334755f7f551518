import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/simulator.js';
import { freePort } from './freePort.js';
import { makeTempDir } from './tempDir.js';
import { jsonApi } from './jsonApi.js';
import { startServe, watchLifetime, type Lifetime, type ServeProcess } from './serveProcess.js';

/** One faxengine instance of a cluster test and the FreeSWITCH node (a simulator) whose calls reach it. */
export interface ClusterMember {
  name: string;
  node: Simulator;
  server: ServeProcess;
  lifetime: Lifetime;
  call: ReturnType<typeof jsonApi>;
}

/**
 * Starts `faxengine serve` as one instance `name` of a cluster: its own data dir under `root` and
 * its own simulator, the documents on `shared` (a shared mount in production), the PostgreSQL event
 * store and the at-rest keys every instance shares, a 2 s lease TTL; `env` adds to that. Stopped
 * (SIGKILL) by `cleanups`.
 */
export async function startClusterMember(options: {
  name: string;
  root: string;
  shared: string;
  eventStoreUrl: string;
  adminKey: string;
  scenario: SimulatorOptions['scenario'];
  env?: NodeJS.ProcessEnv;
  cleanups: Array<() => unknown>;
}): Promise<ClusterMember> {
  const { name, cleanups } = options;
  const socketPort = await freePort();
  const node = await createSimulator({ listen: { host: '127.0.0.1', port: 0 }, dial: { host: '127.0.0.1', port: socketPort }, timeScale: 0.01, scenario: options.scenario });
  cleanups.push(() => node.close());
  const dataDir = join(options.root, name);
  mkdirSync(dataDir);
  symlinkSync(options.shared, join(dataDir, 'documents'));
  const server = await startServe({
    dataDir,
    eslPort: node.eslAddress.port,
    socketListen: `127.0.0.1:${socketPort}`,
    env: {
      FAXENGINE_EVENT_STORE: options.eventStoreUrl,
      FAXENGINE_ADMIN_API_KEY: options.adminKey,
      // Instances sharing an event store and the documents share the at-rest keys (README: Encryption at rest).
      FAXENGINE_ENCRYPTION_KEYS: `cluster:${Buffer.alloc(32, 9).toString('base64')}`,
      FAXENGINE_CLUSTER_INSTANCE_ID: name,
      FAXENGINE_CLUSTER_LEASE_TTL: '2s',
      ...options.env,
    },
  });
  const lifetime = watchLifetime(server, name);
  cleanups.push(() => {
    lifetime.ending();
    server.cli.child.kill('SIGKILL');
  });
  const admin = `Basic ${Buffer.from(`admin:${options.adminKey}`).toString('base64')}`;
  return { name, node, server, lifetime, call: jsonApi(() => `http://127.0.0.1:${server.http}`, admin) };
}

/**
 * A cluster's ground: a temporary root (removed by `cleanups`) with the documents directory every
 * instance shares; `startMember(name)` starts one instance on it (startClusterMember).
 */
export function createCluster(options: {
  label: string;
  eventStoreUrl: string;
  adminKey: string;
  scenario: SimulatorOptions['scenario'];
  env?: NodeJS.ProcessEnv;
  cleanups: Array<() => unknown>;
}): { shared: string; startMember(name: string): Promise<ClusterMember> } {
  const { label, ...member } = options;
  const dir = makeTempDir(label);
  options.cleanups.push(dir.remove);
  // The documents on a path both instances reach (a shared mount in production); everything else per instance.
  const shared = join(dir.path, 'shared-documents');
  mkdirSync(shared);
  return { shared, startMember: (name) => startClusterMember({ ...member, name, root: dir.path, shared }) };
}

/** Which instance holds lease `name` now, read from the shared PostgreSQL store. */
export async function leaseOwnerIn(databaseUrl: string, name: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<{ owner: string }>('SELECT owner FROM leases WHERE name = $1 AND expires_at > clock_timestamp()', [name])).rows[0]?.owner;
  } finally {
    await client.end();
  }
}
