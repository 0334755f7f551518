import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../support/freePort.js';
import { allOutboundEvents, delivered, eventually, submitFax } from '../../support/outboundWebhooks.js';
import { newWebhookSecret, notifierEnv, pdfPages } from '../../support/notifierScenario.js';
import { basicAuth, startServerWithSimulator } from '../../support/serverHarness.js';
import { startSmtpSink } from '../../support/smtpSink.js';
import { makeSubmissionDocuments, type SubmissionDocuments } from '../../support/submissionFixtures.js';
import { makeTempDir } from '../../support/tempDir.js';
import { startWebhookReceiver } from '../../support/webhookReceiver.js';

const REMOTE = '15557654321';
const user = basicAuth('acme', 'acme long password');
type Json = Record<string, any>;

/**
 * Sent faxes, driven through the simulator: every step reaches the submission's `webhookUrl`
 * (signed with the tenant's webhook secret) and the endpoints subscribed to it, in order, once
 * each, while the fax is being sent; the result reaches the submitter by e-mail per their mode.
 */
describe('notifiers on sent faxes', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  const fixtures = makeTempDir('send-webhook-docs');
  let docs: SubmissionDocuments;
  beforeAll(async () => {
    docs = await makeSubmissionDocuments(fixtures.path);
  });
  afterAll(() => fixtures.remove());
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(busyRetryMs: string, env: Record<string, string> = {}) {
    const dir = makeTempDir('notify-send');
    cleanups.push(dir.remove);
    const sink = await startSmtpSink();
    cleanups.push(sink.close);
    const server = await startServerWithSimulator({
      scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, stations: { [REMOTE]: { outcome: 'USER_BUSY', ringSeconds: 1 } } },
      dataDir: dir.path,
      env: { ...notifierEnv(sink.port), FAXENGINE_SEND_BUSY_RETRY_DELAY_MS: busyRetryMs, ...env },
    });
    cleanups.push(() => server.close());
    const ok = async (response: Promise<Response>): Promise<Json> => {
      const answer = await response;
      if (answer.status >= 300) throw new Error(`${answer.status} ${await answer.text()}`);
      return (await answer.json()) as Json;
    };
    const tenant = await ok(server.call('POST', '/v1/tenants', { name: 'Acme' }));
    await ok(server.call('POST', `/v1/tenants/${tenant.id}/numbers`, { number: '5551230000' }));
    await ok(server.call('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' } }));
    await ok(server.call('POST', `/v1/tenants/${tenant.id}/users`, { username: 'acme', password: 'acme long password' }));
    const base = `http://127.0.0.1:${server.server.httpAddress.port}`;
    const receiver = async (secret: string, answer?: Parameters<typeof startWebhookReceiver>[1]) => {
      const started = await startWebhookReceiver(secret, answer);
      cleanups.push(started.close);
      return started;
    };
    return { server, sink, tenantId: String(tenant.id), ok, base, receiver };
  }

  it('a send that is busy once and then goes through: six steps in order at each webhook, before the call ended, and the report', async () => {
    // Long enough for the test to see the first attempt's steps and let the station answer before the retry.
    const { server, sink, tenantId, ok, base, receiver } = await setUp('6000');
    const endpointSecret = newWebhookSecret();
    const endpointHook = await receiver(endpointSecret);
    await ok(server.call('POST', `/v1/tenants/${tenantId}/endpoints`, { target: { kind: 'webhook', url: endpointHook.url, secret: endpointSecret, style: 'json', events: allOutboundEvents } }));
    // An endpoint without `events` keeps today's behaviour: received faxes only.
    const receivedOnly = await receiver(newWebhookSecret());
    await ok(server.call('POST', `/v1/tenants/${tenantId}/endpoints`, { target: { kind: 'webhook', url: receivedOnly.url, style: 'json' } }));
    const { secret: tenantSecret } = await ok(server.call('GET', `/v1/tenants/${tenantId}/webhook-secret`, undefined, user));
    expect(tenantSecret).toMatch(/^whsec_/);
    expect((await server.call('GET', '/v1/tenants/999/webhook-secret')).status).toBe(404);
    const faxHook = await receiver(tenantSecret);

    const badEvents = await server.call('POST', `/v1/tenants/${tenantId}/endpoints`, { target: { kind: 'webhook', url: endpointHook.url, events: ['fax.delivered'] } });
    expect(badEvents.status).toBe(422);
    const badUrl = await submitFax(base, user, docs.pdf, { to: `+${REMOTE}`, from: '5551230000', webhookUrl: 'ftp://crm.acme.example/fax' });
    expect([badUrl.status, ((await badUrl.json()) as Json).field]).toEqual([422, 'webhookUrl']);

    const submitted = await submitFax(base, user, docs.pdf, { to: `+${REMOTE}`, from: '5551230000', webhookUrl: faxHook.url, notifyEmails: 'boss@acme.example', notifyMode: 'full' });
    expect(submitted.status).toBe(202);
    const faxId = ((await submitted.json()) as Json).id as string;

    // The first attempt is busy: its steps arrive while the fax waits for its retry, not at the end.
    const early = ['fax.queued', 'fax.converted', 'fax.attempt.started', 'fax.attempt.failed'];
    for (const hook of [faxHook, endpointHook]) await eventually('the first attempt told', () => delivered(hook.received).length >= 4);
    await eventually('the fax waiting for its retry', async () => (await ok(server.call('GET', `/v1/faxes/${faxId}`))).status === 'retrying');
    expect(delivered(faxHook.received).map((hook) => hook.type)).toEqual(early);
    server.sim.setStation(REMOTE, { ringSeconds: 1, pages: 2 });

    const notifications = async () => (await ok(server.call('GET', `/v1/faxes/${faxId}/notifications`))).items as Json[];
    await eventually('every notification sent', async () => {
      const items = await notifications();
      return items.length === 13 && items.every((item) => item.status === 'sent');
    }, 60_000);

    const steps = [...early, 'fax.attempt.started', 'fax.sent'];
    for (const [name, hook] of [['webhookUrl', faxHook], ['endpoint', endpointHook]] as const) {
      const got = delivered(hook.received);
      expect(got.map((item) => item.type), name).toEqual(steps);
      expect(got.every((item) => item.verified), `${name}: signatures`).toBe(true);
      expect(new Set(got.map((item) => item.id)).size, `${name}: webhook-ids`).toBe(6);
    }
    expect(receivedOnly.received).toHaveLength(0);

    const [queued, converted, started, failed, restarted, sent] = delivered(faxHook.received).map((item) => item.data);
    const history = (await server.server.eventStore.readStream(`fax-${faxId}`)) as Array<{ id: string; type: string; data: Json }>;
    const retry = history.find((event) => event.type === 'FaxRetryScheduled')!.data;
    expect(queued).toMatchObject({ faxId, tenantId, direction: 'outbound', status: 'queued', to: `+${REMOTE}`, from: '+15551230000', document: null });
    expect(converted).toMatchObject({ status: 'queued', pages: 2, document: { contentType: 'application/pdf' } });
    expect(started).toMatchObject({ status: 'dialing', attempts: 1, attempt: { number: 1, gateway: 'carrier1' } });
    expect(failed).toMatchObject({ status: 'retrying', attempt: { number: 1, gateway: 'carrier1', outcomeClass: 'busy', hangupCause: 'USER_BUSY' }, nextAttempt: { number: 2, at: retry.retryAt, gateway: 'carrier1' } });
    expect(restarted).toMatchObject({ attempt: { number: 2 } });
    expect(sent).toMatchObject({ status: 'sent', attempts: 2, pages: 2, result: 'sent', gateway: 'carrier1', attemptLog: [{ attempt: 1 }, { attempt: 2 }] });
    expect(sent!.document.url).toContain(`/v1/documents/${faxId}?expires=`);

    // Recorded in the fax's stream as the receive path records its notifications.
    expect(history.filter((event) => event.type === 'NotificationSent')).toHaveLength(13);
    const ids = (await notifications()).filter((item) => item.target.channel === 'webhook' && item.endpointId === null).map((item) => item.notificationId);
    expect(ids.sort()).toEqual(delivered(faxHook.received).map((item) => item.id).sort());

    // The submitter asked for `full`: one e-mail, the document attached.
    expect(sink.accepted).toHaveLength(1);
    expect(sink.accepted[0]!.parsed.subject).toBe(`Fax to +${REMOTE} sent (2 pages)`);
    expect(await pdfPages(sink.accepted[0]!.parsed.attachments[0]!.content, fixtures.path)).toBe(2);
  }, 120_000);

  it("a send that is busy every attempt: queued, converted, each attempt started and failed, then failed — also as form fields; the report per the tenant's notifyOn", async () => {
    const { server, sink, tenantId, ok, base, receiver } = await setUp('1000');
    const secret = newWebhookSecret();
    const hook = await receiver(secret);
    await ok(server.call('POST', `/v1/tenants/${tenantId}/endpoints`, { target: { kind: 'webhook', url: hook.url, secret, style: 'json', events: allOutboundEvents } }));
    const formHook = await receiver(secret);
    await ok(server.call('POST', `/v1/tenants/${tenantId}/endpoints`, { target: { kind: 'webhook', url: formHook.url, secret, style: 'form', events: ['fax.attempt.failed', 'fax.failed'] } }));

    // The submission names no report: the tenant's notifyOn (the original's email_full_failure) decides.
    await ok(server.call('PATCH', `/v1/tenants/${tenantId}`, { settings: { notifyOn: 'failure', notifyEmails: ['ops@acme.example'] } }));
    const submitted = await submitFax(base, user, docs.pdf, { to: `+${REMOTE}`, from: '5551230000', 'policy.maxAttempts': '2' });
    const faxId = ((await submitted.json()) as Json).id as string;
    await eventually('fax.failed told', () => delivered(hook.received).some((item) => item.type === 'fax.failed') && formHook.received.length === 3, 60_000);

    const got = delivered(hook.received);
    expect(got.map((item) => item.type)).toEqual(['fax.queued', 'fax.converted', 'fax.attempt.started', 'fax.attempt.failed', 'fax.attempt.started', 'fax.attempt.failed', 'fax.failed']);
    expect(got.every((item) => item.verified)).toBe(true);
    expect(got[3]!.data.nextAttempt).toMatchObject({ number: 2 });
    expect(got[5]!.data).toMatchObject({ status: 'failed', nextAttempt: null, attempt: { number: 2, outcomeClass: 'busy' } });
    expect(got[6]!.data).toMatchObject({ faxId, status: 'failed', attempts: 2, outcomeClass: 'busy', maybeSent: false, attemptLog: [{ attempt: 1 }, { attempt: 2 }] });

    const forms = formHook.received.map((request) => Object.fromEntries(new URLSearchParams(request.body)));
    expect(formHook.received.every((request) => request.verified && request.headers['content-type'] === 'application/x-www-form-urlencoded')).toBe(true);
    expect(forms.map((form) => form.type)).toEqual(['fax.attempt.failed', 'fax.attempt.failed', 'fax.failed']);
    expect(forms[0]).toMatchObject({ fax_id: faxId, attempt_number: '1', attempt_outcome_class: 'busy', next_attempt_number: '2' });
    expect(forms[1]).toMatchObject({ attempt_number: '2', next_attempt: '' });
    expect(JSON.parse(forms[2]!.attempt_log!)).toHaveLength(2);

    await eventually('the failure report', () => sink.accepted.length === 1);
    expect(sink.accepted[0]!.envelopeTo).toEqual(['ops@acme.example']);
    expect(sink.accepted[0]!.parsed.subject).toBe(`Fax to +${REMOTE} failed`);
    expect(sink.accepted[0]!.parsed.attachments).toHaveLength(1);
  }, 120_000);

  it('a receiver that is down for a while (refusing, then 503) gets every step once it is back, in order, the first held up and the rest behind it', async () => {
    const { server, tenantId, ok, base } = await setUp('1000', { FAXENGINE_NOTIFICATIONS_RETRY_SCHEDULE: '300ms,600ms,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s' });
    server.sim.setStation(REMOTE, { ringSeconds: 1, pages: 2 });
    const port = await freePort();
    const secret = newWebhookSecret();
    await ok(server.call('POST', `/v1/tenants/${tenantId}/endpoints`, { target: { kind: 'webhook', url: `http://127.0.0.1:${port}/hooks/fax`, secret, style: 'json', events: allOutboundEvents } }));

    const faxId = ((await (await submitFax(base, user, docs.pdf, { to: `+${REMOTE}`, from: '5551230000' })).json()) as Json).id as string;
    const notifications = async () => (await ok(server.call('GET', `/v1/faxes/${faxId}/notifications`))).items as Json[];
    // Nothing listens: the fax is sent meanwhile, its first webhook is retried and the others wait behind it.
    await eventually('the fax sent', async () => (await ok(server.call('GET', `/v1/faxes/${faxId}`))).status === 'sent');
    const waiting = await eventually('fax.queued retried', async () => {
      const items = await notifications();
      return items.length === 1 && items[0]!.attempts >= 2 ? items : undefined;
    });
    expect(waiting[0]).toMatchObject({ sourceType: 'FaxQueued', status: 'retrying', lastError: { kind: 'network' } });

    const hook = await startWebhookReceiver(secret, (attempt) => (attempt <= 2 ? 503 : 200), { port });
    cleanups.push(hook.close);
    await eventually('every step delivered', async () => {
      const items = await notifications();
      return items.length === 4 && items.every((item) => item.status === 'sent');
    }, 60_000);

    const got = delivered(hook.received);
    expect(got.every((item) => item.verified)).toBe(true);
    expect(got.slice(0, 2).map((item) => item.type)).toEqual(['fax.queued', 'fax.queued']);
    expect(got.slice(2).map((item) => item.type)).toEqual(['fax.queued', 'fax.converted', 'fax.attempt.started', 'fax.sent']);
    expect(new Set(got.slice(0, 3).map((item) => item.id)).size).toBe(1);
    const history = (await server.server.eventStore.readStream(`fax-${faxId}`)).map((event) => event.type);
    expect(history.filter((type) => type === 'NotificationAttemptFailed').length).toBeGreaterThanOrEqual(4);
    expect(history.filter((type) => type === 'NotificationSent')).toHaveLength(4);
    expect(history).not.toContain('NotificationDeadLettered');
  }, 120_000);
});
