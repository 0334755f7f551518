import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { QueryView } from '../../../projections/documentProjection.js';
import { createFileDocumentStore } from '../../../src/adapters/documents/fileDocumentStore.js';
import { createPostgresEventStore } from '../../../src/adapters/eventStore/postgres/postgresEventStore.js';
import { createInProcessBus } from '../../../src/adapters/inProcessBus/inProcessBus.js';
import { loadConfig } from '../../../src/config/loadConfig.js';
import { createClusterReactors } from '../../../src/mainReactors.js';
import { startNotifiers } from '../../../src/mainNotify.js';
import { systemClock } from '../../../src/ports/clock.js';
import type { EventStore } from '../../../src/ports/eventStore.js';
import type { LeaseStore } from '../../../src/ports/leaseStore.js';
import { noMetrics } from '../../../src/ports/metrics.js';
import type { NotificationReadModel } from '../../../src/ports/notificationReadModel.js';
import { createTestDatabase } from '../../support/postgresServer.js';
import { makeTempDir } from '../../support/tempDir.js';

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const TTL_MS = 2_000;
/** How long the receiver keeps the first request before answering 200 (less than the webhook timeout). */
const HOLD_MS = 3_000;

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A webhook receiver that answers its first request only after HOLD_MS: a slow receiver the sender is mid-send with. */
async function slowReceiver() {
  const requests: string[] = [];
  const held = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests.push(String(request.headers['webhook-id']));
      if (requests.length > 1) return void response.writeHead(200).end('ok');
      held.add(response);
      setTimeout(() => response.writeHead(200).end('ok'), HOLD_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    requests,
    async close() {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('notifiers handed over while the old holder is mid-send (#20)', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('the instance that takes over does not send again what the old one had in flight when it lost the lease', async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const dir = makeTempDir('notifier-handover');
    cleanups.push(dir.remove);
    const receiver = await slowReceiver();
    cleanups.push(() => receiver.close());
    const { config } = loadConfig({
      cwd: dir.path,
      env: { FAXENGINE_DATA_DIR: dir.path, FAXENGINE_NOTIFICATIONS_WEBHOOK_TIMEOUT_MS: '4000', FAXENGINE_SMTP_TIMEOUT_MS: '1000', FAXENGINE_NOTIFICATIONS_LINK_SIGNING_KEY: 'k'.repeat(40) },
    });
    const endpointId = 'hook-1';
    const view = (() => ({ get: (_collection: string, id: string) => (id === endpointId ? { target: { kind: 'webhook', secret: null } } : undefined) })) as unknown as (projection: string) => QueryView;
    const notifications = { waiting: () => [], list: () => [] } as NotificationReadModel;

    /** One faxengine instance's notifiers, on its own connection to the store; its leases can be cut off. */
    async function instance(name: string) {
      const store: EventStore = await createPostgresEventStore({ connectionString: database.url });
      cleanups.push(() => store.close());
      let blocked = false;
      const hang = () => new Promise<never>(() => undefined);
      const real = store.leases!;
      const leases: LeaseStore = {
        acquire: (...args) => (blocked ? hang() : real.acquire(...args)),
        renewAll: (...args) => (blocked ? hang() : real.renewAll(...args)),
        release: (...args) => (blocked ? hang() : real.release(...args)),
        held: (...args) => (blocked ? hang() : real.held(...args)),
      };
      const cluster = createClusterReactors({ membership: { instanceId: name, leases, leaseTtlMs: TTL_MS }, logger: logger.child({ instance: name }), metrics: noMetrics });
      const notifiers = await startNotifiers({
        config,
        eventStore: store,
        bus: createInProcessBus(),
        documents: createFileDocumentStore(`${dir.path}/documents`),
        view,
        notifications,
        clock: systemClock,
        logger: logger.child({ instance: name }),
        publicBaseUrl: () => 'http://127.0.0.1:1',
        reactors: cluster.run,
      });
      cleanups.push(() => notifiers.close());
      return { store, active: () => cluster.active('notifiers'), cutOffLeases: () => (blocked = true) };
    }

    const a = await instance('instance-a');
    await until('instance-a runs the notifiers', () => a.active());
    const b = await instance('instance-b');

    const faxId = randomUUID();
    const tenantId = 'tenant-1';
    const at = new Date().toISOString();
    const deliveries = [{ endpointId, kind: 'webhook', priority: 1, url: receiver.url, style: 'json' }];
    await a.store.append(
      `fax-${faxId}`,
      [
        { type: 'FaxCallOffered', data: { faxId, direction: 'inbound', callUuid: faxId, callerNumber: '5550001111', toUser: '15551230000', offeredAt: at } },
        { type: 'FaxCallAnswered', data: { faxId, callUuid: faxId, tenantId, recipient: '+15551230000', sourceGateway: 'carrier1', t38Enabled: true, t38Requested: true, t38Policy: 'upstream', answeredAt: at } },
        { type: 'FaxReceived', data: { faxId, callUuid: faxId, tenantId, pages: 1, documentId: 'doc-1', resultCode: 0, resultText: 'OK', t38Status: 'negotiated', transferRate: 14400, receivedAt: at } },
        { type: 'FaxRouted', data: { faxId, tenantId, recipient: '+15551230000', documentId: 'doc-1', partial: false, endpointScope: 'tenant', deliveries, notifyEmails: [] } },
        { type: 'FaxCallEnded', data: { faxId, callUuid: faxId, hangupCause: 'NORMAL_CLEARING', endedAt: at } },
      ].map((event) => ({ ...event, metadata: { tenantId, correlationId: faxId } })),
      'no_stream',
    );

    // Mid-send: the receiver has the request and has not answered; now instance-a loses the store for its leases.
    await until('instance-a sending the webhook', () => receiver.requests.length === 1);
    a.cutOffLeases();
    await until('instance-a stood down', () => !a.active(), 10_000);
    await until('instance-b took over', () => b.active(), 30_000);

    const sent = async () => (await b.store.readStream(`fax-${faxId}`)).filter((event) => event.type === 'NotificationSent');
    await until('the notification recorded as sent', async () => (await sent()).length === 1, 30_000);
    // Give instance-b time to have sent it again if it were going to.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(receiver.requests).toHaveLength(1);
    expect(await sent()).toHaveLength(1);
  }, 90_000);
});
