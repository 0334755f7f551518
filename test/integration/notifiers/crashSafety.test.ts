import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileDocumentStore } from '../../../src/adapters/documents/fileDocumentStore.js';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import type { DeliveryTarget } from '../../../src/domain/fax/deliveryPlan.js';
import type { EventStore } from '../../../src/ports/eventStore.js';
import { makeFaxTiff } from '../../support/faxFixtures.js';
import { newWebhookSecret, notifierEnv, ofType, scenario, waitForHistory, type Env } from '../../support/notifierScenario.js';
import { startServerWithSimulator } from '../../support/serverHarness.js';
import { startSmtpSink } from '../../support/smtpSink.js';
import { makeTempDir } from '../../support/tempDir.js';
import { startWebhookReceiver, type WebhookAnswer } from '../../support/webhookReceiver.js';

/**
 * Embedded mode's durability: the in-process bus keeps messages in memory only, so the notifiers
 * follow the event store with a checkpoint of their own. These tests stop the server at the
 * awkward moments and check that nothing is lost and nothing is sent twice.
 */
describe('notifiers across restarts (embedded)', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(options: { schedule?: string; answer?: (attempt: number) => WebhookAnswer }) {
    const dir = makeTempDir('notify-crash');
    cleanups.push(dir.remove);
    const sink = await startSmtpSink();
    cleanups.push(sink.close);
    const secret = newWebhookSecret();
    const receiver = await startWebhookReceiver(secret, options.answer);
    cleanups.push(receiver.close);
    const serverEnv = { ...notifierEnv(sink.port), ...(options.schedule ? { FAXENGINE_NOTIFICATIONS_RETRY_SCHEDULE: options.schedule } : {}) };
    let current: Env | undefined;
    const start = async () => (current = await startServerWithSimulator({ scenario, dataDir: dir.path, env: serverEnv }));
    const stop = async () => {
      await current?.close();
      current = undefined;
    };
    cleanups.push(stop);
    const env = await start();
    const post = async (path: string, body: unknown) => (await (await env.call('POST', path, body)).json()) as { id: string };
    const tenant = await post('/v1/tenants', { name: 'Acme' });
    const email = await post(`/v1/tenants/${tenant.id}/endpoints`, { target: { kind: 'email', addresses: ['fax@acme.example'] }, priority: 1 });
    const hook = await post(`/v1/tenants/${tenant.id}/endpoints`, { target: { kind: 'webhook', url: receiver.url, secret, style: 'json' }, priority: 2 });
    const deliveries: DeliveryTarget[] = [
      { endpointId: email.id, kind: 'email', priority: 1, addresses: ['fax@acme.example'] },
      { endpointId: hook.id, kind: 'webhook', priority: 2, url: receiver.url, style: 'json' },
    ];
    return { dir: dir.path, sink, receiver, tenantId: tenant.id, deliveries, start, stop, env: () => current! };
  }

  it('notifies, once, about a fax whose events were stored and published just before a crash', async () => {
    const { dir, sink, receiver, tenantId, deliveries, start, stop } = await setUp({});
    await stop();
    // While faxengine is down: a fax was received and routed, and the publisher had already put it
    // on the (in-memory) bus and saved its checkpoint. Nothing of that bus survived the crash.
    const store = createSqliteEventStore({ path: join(dir, 'events.sqlite') });
    const faxId = await appendReceivedFax(store, dir, tenantId, deliveries);
    const head = (await store.readAll()).at(-1)!.position;
    await store.checkpoints.save('bus-publisher:faxengine.fax-events', head);
    await store.close();

    const env = await start();
    const history = await waitForHistory(env, faxId, (events) => ofType(events, 'NotificationSent').length === 3);
    expect(sink.accepted.map((mail) => mail.envelopeTo).sort()).toEqual([['fax@acme.example'], ['owner@acme.example']]);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.verified).toBe(true);

    // Restarted again with the notifiers' checkpoint lost: the fax stream says all was done.
    await stop();
    const again = createSqliteEventStore({ path: join(dir, 'events.sqlite') });
    await again.checkpoints.save('notifiers', 0);
    await again.close();
    const env2 = await start();
    const deadline = Date.now() + 10_000;
    while (((await env2.server.eventStore.checkpoints.load('notifiers')) ?? 0) < head) {
      if (Date.now() > deadline) throw new Error('the notifiers did not catch up');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(sink.accepted).toHaveLength(2);
    expect(receiver.received).toHaveLength(1);
    expect((await env2.server.eventStore.readStream(`fax-${faxId}`)).length).toBe(history.length);
  });

  it('re-arms a webhook retry that was pending when the server stopped', async () => {
    const { dir, receiver, tenantId, deliveries, start, stop, env } = await setUp({ schedule: '1s', answer: (attempt) => (attempt === 1 ? 503 : 200) });
    const faxId = await appendReceivedFax(env().server.eventStore, dir, tenantId, deliveries.filter((target) => target.kind === 'webhook'), []);
    const failed = await waitForHistory(env(), faxId, (events) => ofType(events, 'NotificationAttemptFailed').length === 1);
    const retryAt = Date.parse(String(ofType(failed, 'NotificationAttemptFailed')[0]!.data.nextAttemptAt));
    await stop();

    const restarted = await start();
    const history = await waitForHistory(restarted, faxId, (events) => ofType(events, 'NotificationSent').length === 1);
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.headers['webhook-id']).toBe(receiver.received[0]!.headers['webhook-id']);
    const sent = ofType(history, 'NotificationSent')[0]!.data;
    expect(sent.attempt).toBe(2);
    expect(Date.parse(String(sent.sentAt))).toBeGreaterThanOrEqual(retryAt);
  });
});

/** A received 3-page fax as the inbound actor records it, with a real TIFF in the document store. */
async function appendReceivedFax(store: EventStore, dataDir: string, tenantId: string, deliveries: DeliveryTarget[], notifyEmails = ['owner@acme.example']): Promise<string> {
  const faxId = randomUUID();
  const tiff = join(dataDir, `${faxId}.tif`);
  await makeFaxTiff(tiff, 3);
  const document = await createFileDocumentStore(join(dataDir, 'documents')).putTiff(tiff);
  const at = new Date().toISOString();
  const callUuid = randomUUID();
  await store.append(
    `fax-${faxId}`,
    [
      { type: 'FaxCallOffered', data: { faxId, direction: 'inbound', callUuid, callerNumber: '5550001111', toUser: '15551230000', offeredAt: at } },
      {
        type: 'FaxCallAnswered',
        data: { faxId, callUuid, tenantId, recipient: '+15551230000', sourceGateway: 'carrier1', t38Enabled: true, t38Requested: true, t38Policy: 'upstream', answeredAt: at },
      },
      {
        type: 'FaxReceived',
        data: { faxId, callUuid, tenantId, pages: 3, documentId: document.id, resultCode: 0, resultText: 'OK', t38Status: 'negotiated', transferRate: 14400, receivedAt: at },
      },
      { type: 'FaxRouted', data: { faxId, tenantId, recipient: '+15551230000', documentId: document.id, partial: false, endpointScope: 'tenant', deliveries, notifyEmails } },
      { type: 'FaxCallEnded', data: { faxId, callUuid, hangupCause: 'NORMAL_CLEARING', endedAt: at } },
    ].map((event) => ({ ...event, metadata: { tenantId, correlationId: faxId } })),
    'no_stream',
  );
  return faxId;
}
