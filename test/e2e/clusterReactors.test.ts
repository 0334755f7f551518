import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/simulator.js';
import { createCluster, leaseOwnerIn, type ClusterMember } from '../support/clusterMember.js';
import { until } from '../support/crashRestartHarness.js';
import { newWebhookSecret } from '../support/notifierScenario.js';
import { createTestDatabase } from '../support/postgresServer.js';
import { startWebhookReceiver } from '../support/webhookReceiver.js';

const CALLER = '5550001111';
const adminKey = 'cluster-reactors-admin-key-0123456789';
const scenario = { gateways: { carrier1: { ip: '10.1.1.1' }, pbx1: { ip: '10.2.2.2' } }, stations: { [CALLER]: { pages: 1 } } };

describe('reactors on two faxengine instances sharing one PostgreSQL event store (#20)', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('notifies each received fax exactly once and relays it once while both run, and after the notifying instance is SIGKILLed the other takes over', async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const leaseOwner = (name: string) => leaseOwnerIn(database.url, name);
    const secret = newWebhookSecret();
    const receiver = await startWebhookReceiver(secret);
    cleanups.push(() => receiver.close());
    const { startMember } = createCluster({
      label: 'cluster-reactors',
      eventStoreUrl: database.url,
      adminKey,
      scenario,
      env: {
        FAXENGINE_NOTIFICATIONS_WEBHOOK_TIMEOUT_MS: '1000',
        FAXENGINE_NOTIFICATIONS_RETRY_SCHEDULE: '200ms,400ms',
      },
      cleanups,
    });

    const a = await startMember('instance-a');
    // The first instance starts every reactor at once, as a lone instance does.
    await until('instance-a runs the notifiers', () => a.server.cli.stdout().includes('notifiers started'), 30_000);
    const b = await startMember('instance-b');

    const tenant = await a.call('POST', '/v1/tenants', { name: 'Acme' });
    await a.call('POST', `/v1/tenants/${tenant.id}/numbers`, { number: '5551230000' });
    await a.call('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' } });
    await a.call('POST', `/v1/tenants/${tenant.id}/endpoints`, { target: { kind: 'gateway', gateway: 'pbx1', sourceIps: ['10.2.2.2'], role: 'pbx' }, priority: 0 });
    await a.call('POST', `/v1/tenants/${tenant.id}/endpoints`, { target: { kind: 'webhook', url: receiver.url, secret, style: 'json', events: ['fax.received'] }, priority: 1 });
    // Instance b routes from its own read store: wait until it has the endpoints too.
    await until('instance-b knows the endpoints', async () => ((await b.call('GET', `/v1/tenants/${tenant.id}/endpoints`)).items as unknown[]).length === 2, 30_000);

    const inboundFaxes = new Set<string>();
    async function receiveOn(member: ClusterMember): Promise<void> {
      const result = await member.node.startInboundCall({ from: CALLER, to: '15551230000', gateway: 'carrier1' }).finished;
      expect(result.variables.fax_success).toBe('1');
    }
    const fromReceiver = () => receiver.received.map((request) => ({ id: String(request.headers['webhook-id']), verified: request.verified, body: JSON.parse(request.body) as { type: string; data: { faxId: string } } }));
    /** Relay faxes dialled to the PBX, counted at both FreeSWITCH nodes. */
    const originatesToPbx = (...nodes: Simulator[]) =>
      nodes.flatMap((node) => node.connections().flatMap((connection) => node.commandLog(connection.id))).filter((entry) => /^(bg)?api originate /.test(entry.command) && entry.command.includes('sofia/gateway/pbx1/')).length;
    const relaysSent = async (member: ClusterMember) => ((await member.call('GET', '/v1/faxes?limit=100')).items as Array<{ direction: string; status: string }>).filter((fax) => fax.direction === 'outbound' && fax.status === 'sent').length;

    /** The instance's `faxengine_reactor_active` gauge for one reactor, as Prometheus would scrape it. */
    const reactorActive = async (member: ClusterMember, reactor: string) => {
      const text = await (await fetch(`http://127.0.0.1:${member.server.http}/metrics`)).text();
      const line = text.split('\n').find((row) => row.startsWith(`faxengine_reactor_active{reactor="${reactor}"}`));
      return line === undefined ? undefined : Number(line.split(' ').at(-1));
    };

    async function expectEachOnce(faxes: number, nodes: Simulator[], reader: ClusterMember): Promise<void> {
      await until(`${faxes} fax.received notifications`, () => fromReceiver().length >= faxes, 60_000);
      await until(`${faxes} relays sent`, async () => (await relaysSent(reader)) >= faxes, 60_000);
      // Long enough for a second runner (two lease renewals) to have doubled anything.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      const got = fromReceiver();
      expect(got).toHaveLength(faxes);
      expect(got.every((item) => item.verified && item.body.type === 'fax.received')).toBe(true);
      expect(new Set(got.map((item) => item.id)).size).toBe(faxes);
      for (const item of got) inboundFaxes.add(item.body.data.faxId);
      expect(inboundFaxes.size).toBe(faxes);
      expect(originatesToPbx(...nodes)).toBe(faxes);
      expect(await relaysSent(reader)).toBe(faxes);
    }

    // Faxes arrive on both instances; one of them notifies and relays each.
    await Promise.all([receiveOn(a), receiveOn(b), receiveOn(a), receiveOn(b)]);
    await expectEachOnce(4, [a.node, b.node], b);
    expect(await leaseOwner('reactor-notifiers')).toBe('instance-a');
    expect(await leaseOwner('reactor-fax-relay')).toBe('instance-a');
    expect(b.server.cli.stdout()).toContain('reactor standing by');
    expect(b.server.cli.stdout()).not.toContain('notifiers started');
    expect(await reactorActive(b, 'notifiers')).toBe(0);
    expect(await reactorActive(a, 'notifiers')).toBe(1);

    a.lifetime.ending();
    a.server.cli.child.kill('SIGKILL');
    await a.server.cli.exited;
    await until('instance-b takes the notifiers and the relay over', async () => (await leaseOwner('reactor-notifiers')) === 'instance-b' && (await leaseOwner('reactor-fax-relay')) === 'instance-b', 30_000);

    await Promise.all([receiveOn(b), receiveOn(b)]);
    await expectEachOnce(6, [a.node, b.node], b);
    expect(b.server.cli.stdout()).toContain('reactor taken over: running on this instance');
    expect(await reactorActive(b, 'notifiers')).toBe(1);
    expect(await reactorActive(b, 'fax-relay')).toBe(1);
    expect(b.lifetime.unexpectedExit()).toBeUndefined();
    expect(b.lifetime.errors()).toEqual([]);
  }, 240_000);
});
