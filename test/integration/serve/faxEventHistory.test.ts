import { afterAll, describe, expect, it } from 'vitest';
import { faxEventSchema } from '../../../src/api/routes/faxEventSchemas.js';
import { faxesWhen, okJson, provisionAcme } from '../../support/e2eProvisioning.js';
import { basicAuth, startServerWithSimulator, testAdminKey } from '../../support/serverHarness.js';
import { makeSubmissionDocuments } from '../../support/submissionFixtures.js';
import { startWebhookReceiver } from '../../support/webhookReceiver.js';

type Fax = Record<string, unknown>;
type Server = Awaited<ReturnType<typeof startServerWithSimulator>>;

/**
 * The typed event schemas of the OpenAPI document (FaxEvent, one per `type`) against the events a
 * real server writes: faxes received, refused, failed, sent, retried, given up and cancelled, with
 * e-mail and webhook notifications, every event of each fax's history parsed with its schema.
 */
describe('GET /v1/faxes/{id}/events answers what its typed schemas say', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function send(env: Server, to: string, policy?: object): Promise<string> {
    const documents = await makeSubmissionDocuments(env.dataDir);
    const form = new FormData();
    form.set('to', to);
    form.set('from', '5551230000');
    if (policy) form.set('policy', JSON.stringify(policy));
    form.append('file', new Blob([documents.png], { type: 'image/png' }), 'logo.png');
    const response = await fetch(`http://127.0.0.1:${env.server.httpAddress.port}/v1/faxes`, { method: 'POST', headers: { authorization: basicAuth('admin', testAdminKey) }, body: form });
    return String((await okJson(response)).id);
  }

  it('for every event of every kind of fax', async () => {
    const receiver = await startWebhookReceiver(null);
    cleanups.push(() => receiver.close());
    const env = await startServerWithSimulator({
      scenario: {
        gateways: { carrier1: { ip: '10.1.1.1' } },
        stations: {
          '5550001111': { pages: 1, ident: 'SENDER' },
          '5550002222': { pages: 2, failure: { code: 49, afterPages: 1 } },
          '15557654321': { ringSeconds: 0 },
          '15550000002': { outcome: 'USER_BUSY', ringSeconds: 0 },
          '15550000003': { outcome: 'USER_BUSY', ringSeconds: 0 },
        },
      },
      env: { FAXENGINE_SEND_MAX_ATTEMPTS: '2', FAXENGINE_SEND_BUSY_RETRY_DELAY_MS: '1000' },
    });
    cleanups.push(() => env.close());
    const tenantId = await provisionAcme(env, { globalGateways: [{ kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }] });
    await okJson(await env.call('POST', `/v1/tenants/${tenantId}/endpoints`, { target: { kind: 'webhook', url: receiver.url }, priority: 0 }));
    await okJson(await env.call('POST', `/v1/tenants/${tenantId}/endpoints`, { target: { kind: 'email', addresses: ['fax@acme.example'] }, priority: 1 }));

    await env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;
    await env.sim.startInboundCall({ from: '5550002222', to: '15551230000', gateway: 'carrier1' }).finished;
    await env.sim.startInboundCall({ from: '5550001111', to: '15559999999', gateway: 'carrier1' }).finished;
    await send(env, '5557654321');
    await send(env, '5550000002');
    // Cancelled while it waits to retry the busy line.
    const cancelled = await send(env, '5550000003', { maxAttempts: 5, busyRetryDelayMs: 600_000 });
    await faxesWhen(env, (faxes) => faxes.some((fax) => fax.faxId === cancelled && fax.status === 'retrying'));
    const del = await env.call('DELETE', `/v1/faxes/${cancelled}`);
    expect(del.status, JSON.stringify([await del.text(), await (await env.call('GET', `/v1/faxes/${cancelled}/events`)).json()])).toBe(202);

    const settled = (faxes: Fax[]) => faxes.length === 6 && faxes.every((fax) => fax.ended === true && !['queued', 'retrying', 'dialing', 'sending'].includes(String(fax.status)));
    const faxes = await faxesWhen(env, settled);
    expect(settled(faxes), JSON.stringify(faxes.map((fax) => [fax.direction, fax.status]))).toBe(true);

    // Notifications are appended after the fax ends; wait for them to be recorded too.
    const seen = new Set<string>();
    // All but the rarer ones (interrupted calls, bridged calls, dial overrides, relays, redeliveries).
    const wanted = [
      ...['FaxCallOffered', 'FaxCallRejected', 'FaxCallAnswered', 'FaxNegotiated', 'FaxPageTransferred', 'FaxReceived', 'FaxReceiveFailed', 'FaxRouted', 'FaxCallEnded'],
      ...['FaxQueued', 'FaxDocumentPrepared', 'FaxSendAttemptStarted', 'FaxSendAttemptFailed', 'FaxRetryScheduled', 'FaxSent', 'FaxFailed', 'FaxCancelled'],
      ...['NotificationSent', 'NotificationAttemptFailed', 'NotificationDeadLettered'],
    ];
    const deadline = Date.now() + 30_000;
    do {
      seen.clear();
      for (const fax of faxes) {
        const { items } = (await okJson(await env.call('GET', `/v1/faxes/${String(fax.faxId)}/events`))) as { items: unknown[] };
        for (const event of items) {
          const parsed = faxEventSchema.safeParse(event);
          expect(parsed.success, `${JSON.stringify(event)}\n${parsed.error?.message}`).toBe(true);
          seen.add((event as { type: string }).type);
        }
      }
      if (wanted.every((type) => seen.has(type))) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    } while (Date.now() < deadline);
    expect([...seen].sort()).toEqual(expect.arrayContaining(wanted));
  }, 120_000);
});
