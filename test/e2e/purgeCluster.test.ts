import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCluster, leaseOwnerIn, type ClusterMember } from '../support/clusterMember.js';
import { until } from '../support/crashRestartHarness.js';
import { createTestDatabase } from '../support/postgresServer.js';

const adminKey = 'purge-cluster-admin-key-0123456789';
const scenario = { gateways: { carrier1: { ip: '10.1.1.1' } }, stations: { '5550001111': { pages: 1, ident: 'ONE' }, '5550002222': { pages: 1, ident: 'TWO' } } };

describe('purges on two faxengine instances sharing one PostgreSQL event store', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('one instance runs the purge runner and the sweep; a purge asked on the other is carried out once; after that instance is SIGKILLed the other takes over', async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const leaseOwner = (name: string) => leaseOwnerIn(database.url, name);
    const { shared, startMember } = createCluster({ label: 'purge-cluster', eventStoreUrl: database.url, adminKey, scenario, cleanups });
    const documentFiles = (documentId: string) => {
      const sha = documentId.replace('sha256-', '');
      const shard = join(shared, sha.slice(0, 2));
      return existsSync(shard) ? readdirSync(shard).filter((name) => name.startsWith(sha)) : [];
    };
    async function receiveAndPurge(on: ClusterMember, from: string): Promise<void> {
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
