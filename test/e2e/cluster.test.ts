import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/sim/simulator.js';
import { ChaosApi } from '../support/chaosApi.js';
import { deliveredOnce, finalStates, receivedNotLost, type ApiFax, type SubmissionRecord } from '../support/chaosInvariants.js';
import { boxPage, makePdf } from '../support/documentFixtures.js';
import { freePort } from '../support/freePort.js';
import { testKafkaBrokers } from '../support/kafkaBroker.js';
import { createTestDatabase } from '../support/postgresServer.js';
import { startServe, watchLifetime, type Lifetime, type ServeProcess } from '../support/serveProcess.js';
import { mostOutboundCallsAtOnce, recordSimCalls, type SimCallLog } from '../support/simCallLog.js';
import { makeTempDir } from '../support/tempDir.js';
import { startWebhookReceiver } from '../support/webhookReceiver.js';

// Three faxengine processes on one PostgreSQL event store, two simulated FreeSWITCH nodes, a real
// Kafka broker; faxes received on every instance through both nodes and sent through all of them,
// while one instance is SIGKILLed and another restarted. Everything is counted at the simulators
// and at the webhook receiver, not taken from faxengine's word.
const FAXES = Number(process.env.FAXENGINE_CLUSTER_FAXES ?? 300);
const INSTANCES = 3;
const CHANNELS = 8;
const TIME_SCALE = 0.01;
const GATEWAY_IP = '10.1.1.1';
const adminKey = 'cluster-admin-key-0123456789';
const admin = `Basic ${Buffer.from(`admin:${adminKey}`).toString('base64')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** Both nodes' logs as one (the invariants count calls wherever they were). */
function mergedLog(logs: readonly SimCallLog[]): SimCallLog {
  return {
    calls: () => logs.flatMap((log) => log.calls()),
    call: (uuid) => logs.map((log) => log.call(uuid)).find(Boolean),
    phases: (now) => logs.flatMap((log) => log.phases(now)),
    onChange: (listener) => {
      const offs = logs.map((log) => log.onChange(listener));
      return () => offs.forEach((off) => off());
    },
    successes: (mode) => logs.flatMap((log) => log.successes(mode)),
    stop: () => logs.forEach((log) => log.stop()),
  };
}

describe('a cluster: three faxengine instances on PostgreSQL, two FreeSWITCH nodes, Kafka', () => {
  const cleanups: Array<() => unknown> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it(`receives and sends ${FAXES} faxes each way through every instance and node, one instance SIGKILLed and one restarted: none lost, none dialled twice, notifications once, channels within the limit, read models equal`, async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const shared = makeTempDir('cluster-shared');
    cleanups.push(shared.remove);
    const dirs = Array.from({ length: INSTANCES }, (_, index) => makeTempDir(`cluster-${index + 1}`));
    for (const dir of dirs) cleanups.push(dir.remove);
    const documents = await Promise.all(Array.from({ length: FAXES }, (_, index) => makePdf(join(shared.path, `letter-${index}.pdf`), [boxPage(0.2 + (index % 50) / 100)]).then(() => join(shared.path, `letter-${index}.pdf`))));

    const hook = await startWebhookReceiver(null, () => 200);
    cleanups.push(() => hook.close());
    const scenario = { gateways: { carrier1: { ip: GATEWAY_IP } }, defaultStation: { pages: 1, t38: 'none' as const } };
    const eslPorts = [await freePort(), await freePort()];
    const nodes: Simulator[] = [];
    for (const port of eslPorts) nodes.push(await createSimulator({ listen: { host: '127.0.0.1', port }, timeScale: TIME_SCALE, scenario }));
    for (const node of nodes) cleanups.push(() => node.close());
    const logs = nodes.map(recordSimCalls);
    const log = mergedLog(logs);

    const env = {
      FAXENGINE_ADMIN_API_KEY: adminKey,
      FAXENGINE_EVENT_STORE: database.url,
      FAXENGINE_DOCUMENTS_DIR: join(shared.path, 'documents'),
      FAXENGINE_FAX_SPOOL_DIR: join(shared.path, 'spool'),
      FAXENGINE_NOTIFICATIONS_LINK_SIGNING_KEY: 'cluster-link-signing-key-0123456789abcdef',
      FAXENGINE_EXPORTS_SIGNING_KEY: Buffer.alloc(32, 7).toString('base64'),
      // The instances share the documents: they need the same at-rest keys (README: Encryption at rest).
      FAXENGINE_ENCRYPTION_KEYS: `cluster:${Buffer.alloc(32, 9).toString('base64')}`,
      FAXENGINE_FREESWITCH_NODES: JSON.stringify(eslPorts.map((port, index) => ({ name: `fs${index + 1}`, esl: `127.0.0.1:${port}`, password: 'ClueCon' }))),
      FAXENGINE_KAFKA_BROKERS: testKafkaBrokers().join(','),
      FAXENGINE_KAFKA_TOPIC: `cluster-${Date.now()}`,
      FAXENGINE_CLUSTER_LEASE_TTL: '2s',
      FAXENGINE_SEND_CHANNELS: String(CHANNELS),
      FAXENGINE_SEND_BUSY_RETRY_DELAY_MS: '1000',
      FAXENGINE_SEND_FAILURE_RETRY_DELAY_MS: '1000',
      FAXENGINE_SEND_NO_ANSWER_RETRY_DELAY_MS: '1000',
    };
    const servers: Array<ServeProcess | undefined> = [];
    const lifetimes: Lifetime[] = [];
    const start = async (index: number) => {
      const server = await startServe({ dataDir: dirs[index]!.path, eslPort: eslPorts[0]!, env: { ...env, FAXENGINE_CLUSTER_INSTANCE_ID: `instance-${index + 1}` } });
      servers[index] = server;
      lifetimes[index] = watchLifetime(server, `instance ${index + 1}`);
      return server;
    };
    for (let index = 0; index < INSTANCES; index++) await start(index);
    cleanups.push(() => servers.forEach((server) => server?.cli.child.kill('SIGKILL')));
    const apis = servers.map((_, index) => new ChaosApi(() => servers[index]!.http, admin));
    const live = () => servers.map((server, index) => (server ? index : -1)).filter((index) => index >= 0);
    for (const api of apis) await api.ready();

    const apiKey = await apis[0]!.provision(GATEWAY_IP);
    const tenants = (await apis[0]!.json('GET', '/v1/tenants')) as { items: Array<{ id: string }> };
    await apis[0]!.json('POST', `/v1/tenants/${tenants.items[0]!.id}/endpoints`, { target: { kind: 'webhook', url: hook.url, style: 'json', events: ['fax.received', 'fax.sent'] } });
    // Every instance routes by its own read model: wait until each knows the number.
    for (const api of apis) await until(async () => ((await api.json('GET', '/v1/tenants')) as { items: unknown[] }).items.length === 1, 30_000, 'the tenant on every instance');

    const submissions: SubmissionRecord[] = [];
    const submit = async (index: number) => {
      const number = `1555300${String(index).padStart(4, '0')}`;
      const record: SubmissionRecord = { number, round: 0 };
      submissions.push(record);
      const target = live()[index % live().length]!;
      const form = new FormData();
      form.set('to', `+${number}`);
      form.set('from', '5551230000');
      form.append('file', new Blob([await import('node:fs/promises').then((fs) => fs.readFile(documents[index]!))], { type: 'application/pdf' }), 'letter.pdf');
      const response = await fetch(apis[target]!.url('/v1/faxes'), { method: 'POST', headers: { authorization: apiKey }, body: form }).catch(() => undefined);
      if (!response) record.outcome = 'lost';
      else if (response.status === 202) Object.assign(record, { outcome: 'accepted', faxId: ((await response.json()) as { id: string }).id });
      else Object.assign(record, { outcome: 'refused', detail: `${response.status} ${await response.text()}` });
    };
    const receive = (index: number) => {
      const target = live()[index % live().length]!;
      return nodes[index % nodes.length]!.startInboundCall({ from: `1555200${String(index).padStart(4, '0')}`, to: '15551230000', gateway: 'carrier1', dial: { host: '127.0.0.1', port: servers[target]!.socket } }).finished;
    };

    const work = async (from: number, to: number) => {
      const pending: Array<Promise<unknown>> = [];
      for (let index = from; index < to; index++) {
        pending.push(submit(index), receive(index));
        if (pending.length >= 16) await Promise.all(pending.splice(0));
      }
      await Promise.all(pending);
    };

    const third = Math.floor(FAXES / 3);
    await work(0, third);
    // An instance dies with faxes of its own under way: the others take them over.
    lifetimes[1]!.ending();
    servers[1]!.cli.child.kill('SIGKILL');
    servers[1] = undefined;
    await work(third, 2 * third);
    // The dead instance's faxes are taken over by the live ones (its leases lapse), not by a restart.
    await until(
      async () => finalStates(await apis[0]!.allFaxes(), submissions.filter((submission) => submission.outcome !== 'lost')).length === 0,
      120_000,
      "the dead instance's faxes to be taken over and every fax so far to end",
    );
    // Another is restarted (a deploy): it hands its work over and comes back.
    lifetimes[2]!.ending();
    servers[2]!.cli.child.kill('SIGTERM');
    await new Promise((resolve) => servers[2]!.cli.child.once('exit', resolve));
    servers[2] = undefined;
    await start(2);
    await apis[2]!.ready();
    await work(2 * third, FAXES);

    // Lost submissions (the killed instance was answering) are looked for, as a client would.
    let faxes: ApiFax[] = [];
    await until(
      async () => {
        faxes = await apis[0]!.allFaxes();
        return finalStates(faxes, submissions.filter((submission) => submission.outcome !== 'lost')).length === 0;
      },
      240_000,
      'every fax to end',
    );

    const violations: Record<string, string[]> = {};
    const note = (name: string, list: string[]) => list.length > 0 && (violations[name] = list.slice(0, 10));
    note('final', finalStates(faxes, submissions.filter((submission) => submission.outcome !== 'lost')));
    note('received not lost', await receivedNotLost(faxes, log, (faxId) => apis[0]!.documentPages(faxId)));
    const delivered = deliveredOnce(faxes, log, submissions.filter((submission) => submission.outcome === 'accepted'));
    note('delivered twice', delivered.duplicates);
    note('sent, not delivered', delivered.sentNotDelivered);
    // Each originate is one attempt the fax's history knows of: none dialled twice for an attempt.
    const originates = new Map<string, number>();
    for (const call of log.calls()) if (call.direction === 'outbound' && call.faxId) originates.set(call.faxId, (originates.get(call.faxId) ?? 0) + 1);
    note(
      'dialled more often than attempted',
      faxes.filter((fax) => fax.direction === 'outbound' && (originates.get(fax.faxId) ?? 0) > (fax.outbound?.attempts ?? 0)).map((fax) => `${fax.faxId}: ${originates.get(fax.faxId)} calls, ${fax.outbound?.attempts} attempts`),
    );
    const peak = mostOutboundCallsAtOnce(log.calls());
    if (peak > CHANNELS) note('channel limit', [`${peak} outbound calls at once across the cluster, limit ${CHANNELS}`]);
    // Every notification exactly once, however the notifier moved between instances.
    const ids = hook.received.map((request) => String(request.headers['webhook-id']));
    const repeated = [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))];
    note('notified twice', repeated.map((id) => `webhook-id ${id} arrived ${ids.filter((other) => other === id).length} times`));
    const expectedNotifications = faxes.filter((fax) => (fax.direction === 'inbound' && fax.status === 'received') || (fax.direction === 'outbound' && fax.status === 'sent')).length;
    await until(() => new Set(hook.received.map((request) => String(request.headers['webhook-id']))).size >= expectedNotifications, 60_000, 'every notification').catch(() => undefined);
    const notified = new Set(hook.received.map((request) => String(request.headers['webhook-id']))).size;
    if (notified !== expectedNotifications) note('notifications missing', [`${notified} distinct notifications for ${expectedNotifications} received or sent faxes`]);
    // Every live instance's read model, caught up, says the same.
    const views = await Promise.all(live().map(async (index) => JSON.stringify((await apis[index]!.allFaxes()).sort((a, b) => (a.faxId < b.faxId ? -1 : 1)))));
    if (new Set(views).size !== 1) note('read models differ', [`${views.length} instances, ${new Set(views).size} different fax lists`]);
    for (const [index, lifetime] of lifetimes.entries()) {
      const exit = servers[index] ? lifetime.unexpectedExit() : undefined;
      if (exit) note(`instance ${index + 1}`, [exit]);
    }
    const spread = nodes.map((_, node) => logs[node]!.calls().filter((call) => call.direction === 'outbound').length);
    console.log(`cluster: ${faxes.length} faxes, outbound calls per node ${spread.join('/')}, peak ${peak} of ${CHANNELS} channels, ${notified} notifications`);
    expect(violations).toEqual({});
    expect(spread.every((count) => count > 0)).toBe(true);
  }, 600_000);
});
