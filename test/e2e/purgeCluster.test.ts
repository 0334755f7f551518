import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/sim/simulator.js';
import { until } from '../support/crashRestartHarness.js';
import { freePort } from '../support/freePort.js';
import { jsonApi } from '../support/jsonApi.js';
import { createTestDatabase } from '../support/postgresServer.js';
import { startServe, watchLifetime, type ServeProcess } from '../support/serveProcess.js';
import { makeTempDir } from '../support/tempDir.js';

const adminKey = 'purge-cluster-admin-key-0123456789';
const admin = `Basic ${Buffer.from(`admin:${adminKey}`).toString('base64')}`;
const scenario = { gateways: { carrier1: { ip: '10.1.1.1' } }, stations: { '5550001111': { pages: 1, ident: 'ONE' }, '5550002222': { pages: 1, ident: 'TWO' } } };

interface Member {
  node: Simulator;
  server: ServeProcess;
  call: ReturnType<typeof jsonApi>;
}

describe('purges on two faxengine instances sharing one PostgreSQL event store', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('one instance runs the purge runner and the sweep; a purge asked on the other is carried out once; after that instance is SIGKILLed the other takes over', async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const leaseOwner = async (name: string): Promise<string | undefined> => {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        return (await client.query<{ owner: string }>('SELECT owner FROM leases WHERE name = $1 AND expires_at > clock_timestamp()', [name])).rows[0]?.owner;
      } finally {
        await client.end();
      }
    };
    const dir = makeTempDir('purge-cluster');
    cleanups.push(dir.remove);
    const shared = join(dir.path, 'shared-documents');
    mkdirSync(shared);

    async function startMember(name: string): Promise<Member> {
      const socketPort = await freePort();
      const node = await createSimulator({ listen: { host: '127.0.0.1', port: 0 }, dial: { host: '127.0.0.1', port: socketPort }, timeScale: 0.01, scenario });
      cleanups.push(() => node.close());
      const dataDir = join(dir.path, name);
      mkdirSync(dataDir);
      symlinkSync(shared, join(dataDir, 'documents'));
      const server = await startServe({
        dataDir,
        eslPort: node.eslAddress.port,
        socketListen: `127.0.0.1:${socketPort}`,
        env: {
          FAXENGINE_EVENT_STORE: database.url,
          FAXENGINE_ADMIN_API_KEY: adminKey,
          FAXENGINE_CLUSTER_INSTANCE_ID: name,
          FAXENGINE_CLUSTER_LEASE_TTL: '2s',
          // Instances sharing an event store share its keys (README: Encryption at rest).
          FAXENGINE_ENCRYPTION_KEYS: `cluster:${Buffer.alloc(32, 9).toString('base64')}`,
        },
      });
      const lifetime = watchLifetime(server, name);
      cleanups.push(() => {
        lifetime.ending();
        server.cli.child.kill('SIGKILL');
      });
      return { node, server, call: jsonApi(() => `http://127.0.0.1:${server.http}`, admin) };
    }
    const documentFiles = (documentId: string) => {
      const sha = documentId.replace('sha256-', '');
      const shard = join(shared, sha.slice(0, 2));
      return existsSync(shard) ? readdirSync(shard).filter((name) => name.startsWith(sha)) : [];
    };
    async function receiveAndPurge(on: Member, from: string): Promise<void> {
      await on.node.startInboundCall({ from, to: '15551230000', gateway: 'carrier1' }).finished;
      let fax: { faxId: string; documentId: string } | undefined;
      await until(`the fax from ${from} over`, async () => {
        fax = ((await on.call('GET', '/v1/faxes')).items as Array<{ faxId: string; documentId: string; ended: boolean; from: string }>).find((item) => item.ended && item.documentId && item.from.endsWith(from));
        return fax !== undefined;
      }, 60_000);
      expect(documentFiles(fax!.documentId).length).toBeGreaterThan(0);
      expect(await on.call('POST', `/v1/faxes/${fax!.faxId}/purge`)).toEqual({ id: fax!.faxId, purge: 'pending' });
      await until(`the fax from ${from} purged`, async () => ((await on.call('GET', `/v1/faxes/${fax!.faxId}/events`)).items as Array<{ type: string }>).some((event) => event.type === 'FaxPurged'), 60_000);
      // Two lease renewals: long enough for a second runner to have purged it twice.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(((await on.call('GET', `/v1/faxes/${fax!.faxId}/events`)).items as Array<{ type: string }>).filter((event) => event.type === 'FaxPurged')).toHaveLength(1);
      expect(documentFiles(fax!.documentId)).toEqual([]);
    }

    const a = await startMember('instance-a');
    await until('instance-a runs the purge runner', async () => (await leaseOwner('reactor-purge-runner')) === 'instance-a', 30_000);
    const b = await startMember('instance-b');
    const tenant = await a.call('POST', '/v1/tenants', { name: 'Acme' });
    await a.call('POST', `/v1/tenants/${tenant.id}/numbers`, { number: '5551230000' });
    await a.call('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' } });
    await until('instance-b knows the number', async () => ((await b.call('GET', `/v1/tenants/${tenant.id}/numbers`)).items as unknown[]).length === 1, 30_000);

    // Received and asked for on b; purged by a's runner.
    await receiveAndPurge(b, '5550001111');
    expect(await leaseOwner('reactor-purge-runner')).toBe('instance-a');
    expect(await leaseOwner('reactor-retention-sweep')).toBe('instance-a');
    expect(b.server.cli.stdout()).not.toContain('"msg":"fax purged"');

    a.server.cli.child.kill('SIGKILL');
    await until('instance-b takes the purge runner over', async () => (await leaseOwner('reactor-purge-runner')) === 'instance-b', 30_000);
    await receiveAndPurge(b, '5550002222');
    expect(b.server.cli.stdout()).toContain('"msg":"fax purged"');
  }, 240_000);
});
