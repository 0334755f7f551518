import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../support/postgresServer.js';
import { startServerWithSimulator } from '../../support/serverHarness.js';
import { startSmtpSink, type SmtpAnswer } from '../../support/smtpSink.js';
import { makeTempDir } from '../../support/tempDir.js';
import { startWebhookReceiver, type WebhookAnswer } from '../../support/webhookReceiver.js';
import { historyOf, newWebhookSecret, notifierEnv, ofType, pdfPages, provision, receiveFax, scenario, tenantAuth, waitForHistory, type Env, type HistoryEvent } from '../../support/notifierScenario.js';

const publicUrl = 'https://fax.acme.example';
/** Long enough for the store-nothing reactor to have acted on what is in the history (it did, in every passing case, within a few ms). */
const settleMs = 2_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('privacy options: notify with a console link, store nothing', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Tenant Acme (number +15551230000 notifying owner@acme.example, an e-mail endpoint and a JSON webhook) with the given privacy settings. */
  async function setUp(options: { tenant?: Record<string, unknown>; number?: Record<string, unknown>; smtp?: (attempt: number) => SmtpAnswer; webhook?: (attempt: number) => WebhookAnswer; style?: 'json' | 'form'; pbx?: boolean; eventStore?: string }) {
    const dir = makeTempDir('privacy');
    cleanups.push(dir.remove);
    const sink = await startSmtpSink(options.smtp);
    cleanups.push(sink.close);
    const secret = newWebhookSecret();
    const hook = await startWebhookReceiver(secret, options.webhook);
    cleanups.push(hook.close);
    const withPbx = { ...scenario, gateways: { ...scenario.gateways, pbx1: { ip: '10.2.2.2' } } };
    const env: Env = await startServerWithSimulator({ scenario: options.pbx ? withPbx : scenario, dataDir: dir.path, env: { ...notifierEnv(sink.port), FAXENGINE_NOTIFICATIONS_PUBLIC_URL: publicUrl, ...(options.eventStore ? { FAXENGINE_EVENT_STORE: options.eventStore } : {}) } });
    cleanups.push(() => env.close());
    const tenantId = await provision(env, [
      ...(options.pbx ? [{ kind: 'gateway', gateway: 'pbx1', sourceIps: ['10.2.2.2'], role: 'pbx' }] : []),
      { kind: 'email', addresses: ['fax@acme.example'] },
      { kind: 'webhook', url: hook.url, secret, style: options.style ?? 'json' },
    ]);
    if (options.tenant) expect((await env.call('PATCH', `/v1/tenants/${tenantId}`, { settings: options.tenant })).status).toBe(200);
    const numberId = ((await (await env.call('GET', `/v1/tenants/${tenantId}/numbers`)).json()) as { items: Array<{ id: string }> }).items[0]!.id;
    if (options.number) expect((await env.call('PATCH', `/v1/tenants/${tenantId}/numbers/${numberId}`, options.number)).status).toBe(200);
    return { env, sink, hook, dir: dir.path, tenantId, numberId };
  }

  const purgeRequests = (history: HistoryEvent[]) => ofType(history, 'FaxPurgeRequested');
  const lastIndexOf = (history: HistoryEvent[], type: string) => history.map((event) => event.type).lastIndexOf(type);

  it('link: the e-mails say a fax arrived, with its console page and no attachment; the webhook carries no document', async () => {
    const { env, sink, hook } = await setUp({ tenant: { notifyDocument: 'link' } });
    const faxId = await receiveFax(env);
    const history = await waitForHistory(env, faxId, (events) => ofType(events, 'NotificationSent').length === 3);

    expect(sink.accepted.map((mail) => mail.envelopeTo).sort()).toEqual([['fax@acme.example'], ['owner@acme.example']]);
    for (const mail of sink.accepted) {
      expect(mail.parsed.subject).toBe('Fax from 5550001111 to +15551230000 (3 pages)');
      expect(mail.parsed.text).toContain('From:    5550001111');
      expect(mail.parsed.text).toContain('Pages:   3');
      expect(mail.parsed.text).toMatch(/Time: {4}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
      expect(mail.parsed.text).toContain(`View the fax in the fax console (sign-in required): ${publicUrl}/faxes/${faxId}`);
      expect(mail.parsed.attachments).toHaveLength(0);
      expect(mail.parsed.text).not.toContain('attached');
      expect(mail.parsed.text).not.toContain('/v1/documents/');
    }
    expect(hook.received).toHaveLength(1);
    const payload = JSON.parse(hook.received[0]!.body) as { type: string; data: Record<string, unknown> };
    expect(payload).toMatchObject({ type: 'fax.received', data: { faxId, from: '5550001111', pages: 3, document: null, consoleUrl: `${publicUrl}/faxes/${faxId}` } });
    expect(hook.received[0]!.body).not.toContain('/v1/documents/');
    // The plan says which option applied; and the fax is kept (store-nothing is off).
    expect(ofType(history, 'FaxRouted')[0]!.data.privacy).toEqual({ notifyDocument: 'link', storeNothing: false });
    await sleep(settleMs);
    expect(purgeRequests(await historyOf(env, faxId))).toEqual([]);
  });

  it('link in a form webhook: a console_url field, no document fields', async () => {
    const { env, hook } = await setUp({ tenant: { notifyDocument: 'link' }, style: 'form' });
    const faxId = await receiveFax(env);
    await waitForHistory(env, faxId, (events) => ofType(events, 'NotificationSent').length === 3);
    const form = new URLSearchParams(hook.received[0]!.body);
    expect(form.get('console_url')).toBe(`${publicUrl}/faxes/${faxId}`);
    expect([...form.keys()].filter((key) => key.startsWith('document'))).toEqual([]);
  });

  it('attach (the default) is unchanged: the PDF attached, no console link', async () => {
    const { env, sink, dir } = await setUp({});
    const faxId = await receiveFax(env);
    await waitForHistory(env, faxId, (events) => ofType(events, 'NotificationSent').length === 3);
    expect(sink.accepted).toHaveLength(2);
    for (const mail of sink.accepted) {
      expect(mail.parsed.attachments).toHaveLength(1);
      expect(await pdfPages(mail.parsed.attachments[0]!.content, dir)).toBe(3);
      expect(mail.parsed.text).toContain('The fax is attached as a PDF.');
      expect(mail.parsed.text).not.toContain('/faxes/');
    }
  });

  it.each(['sqlite', 'postgres'] as const)('store nothing (%s event store): the purge is requested once, after every e-mail and the webhook were confirmed, not before', async (store) => {
    const database = store === 'postgres' ? await createTestDatabase() : undefined;
    if (database) cleanups.push(database.drop);
    // The webhook fails once, so the e-mails are confirmed well before it is.
    const { env, hook } = await setUp({ tenant: { storeNothing: true }, webhook: (attempt) => (attempt === 1 ? 500 : 200), ...(database ? { eventStore: database.url } : {}) });
    const faxId = await receiveFax(env);
    const history = await waitForHistory(env, faxId, (events) => purgeRequests(events).length > 0);
    expect(hook.received).toHaveLength(2);
    expect(ofType(history, 'NotificationSent')).toHaveLength(3);
    const failedAt = history.findIndex((event) => event.type === 'NotificationAttemptFailed');
    const purgeAt = history.findIndex((event) => event.type === 'FaxPurgeRequested');
    expect(failedAt).toBeGreaterThan(-1);
    expect(purgeAt).toBeGreaterThan(lastIndexOf(history, 'NotificationSent'));
    expect(purgeAt).toBeGreaterThan(lastIndexOf(history, 'FaxCallEnded'));
    expect(purgeRequests(history)[0]!.data).toMatchObject({ faxId, reason: 'storeNothing', by: { kind: 'system' } });
    await sleep(settleMs);
    expect(purgeRequests(await historyOf(env, faxId))).toHaveLength(1);
  });

  it('store nothing: a dead-lettered e-mail keeps the fax (listed as a dead letter); its redelivery succeeding requests the purge', async () => {
    let smtpUp = false;
    const { env } = await setUp({ tenant: { storeNothing: true }, smtp: () => (smtpUp ? 'accept' : { code: 550, message: '5.1.1 mailbox unavailable' }) });
    const faxId = await receiveFax(env);
    await waitForHistory(env, faxId, (events) => ofType(events, 'NotificationDeadLettered').length === 2 && ofType(events, 'NotificationSent').length === 1);
    await sleep(settleMs);
    expect(purgeRequests(await historyOf(env, faxId))).toEqual([]);
    const dead = (await (await env.call('GET', '/v1/notifications?status=dead', undefined, tenantAuth)).json()) as { items: Array<{ notificationId: string; faxId: string }> };
    expect(dead.items.map((item) => item.faxId)).toEqual([faxId, faxId]);

    smtpUp = true;
    const [first, second] = dead.items;
    expect((await env.call('POST', `/v1/faxes/${faxId}/notifications/${encodeURIComponent(first!.notificationId)}/redeliver`, undefined, tenantAuth)).status).toBe(202);
    await waitForHistory(env, faxId, (events) => ofType(events, 'NotificationSent').length === 2);
    // One e-mail still dead: still kept.
    await sleep(settleMs);
    expect(purgeRequests(await historyOf(env, faxId))).toEqual([]);
    expect((await env.call('POST', `/v1/faxes/${faxId}/notifications/${encodeURIComponent(second!.notificationId)}/redeliver`, undefined, tenantAuth)).status).toBe(202);
    const history = await waitForHistory(env, faxId, (events) => purgeRequests(events).length > 0);
    expect(history.findIndex((event) => event.type === 'FaxPurgeRequested')).toBeGreaterThan(lastIndexOf(history, 'NotificationSent'));
    expect(ofType(history, 'NotificationSent')).toHaveLength(3);
  });

  it('store nothing with a relay to the PBX: the relay fax is sent first, then both it and the received fax are asked to be purged, once each', async () => {
    const { env } = await setUp({ tenant: { storeNothing: true }, pbx: true });
    const faxId = await receiveFax(env);
    const history = await waitForHistory(env, faxId, (events) => purgeRequests(events).length > 0, 30_000);
    const relayFaxId = ofType(history, 'FaxRelayed')[0]!.data.relayFaxId as string;
    const store = env.server.eventStore;
    const relay = await store.readStream(`fax-${relayFaxId}`);
    const received = await store.readStream(`fax-${faxId}`);
    const sentAt = relay.find((event) => event.type === 'FaxSent')!.position;
    const relayPurge = relay.filter((event) => event.type === 'FaxPurgeRequested');
    const receivedPurge = received.filter((event) => event.type === 'FaxPurgeRequested');
    expect(relayPurge.map((event) => event.data)).toEqual([expect.objectContaining({ faxId: relayFaxId, reason: 'storeNothing', by: { kind: 'system' } })]);
    expect(receivedPurge).toHaveLength(1);
    expect(relayPurge[0]!.position).toBeGreaterThan(sentAt);
    expect(receivedPurge[0]!.position).toBeGreaterThan(Math.max(sentAt, ...received.filter((event) => event.type === 'NotificationSent').map((event) => event.position)));
    expect(received.filter((event) => event.type === 'NotificationSent')).toHaveLength(3);
    await sleep(settleMs);
    expect((await store.readStream(`fax-${relayFaxId}`)).filter((event) => event.type === 'FaxPurgeRequested')).toHaveLength(1);
    expect((await store.readStream(`fax-${faxId}`)).filter((event) => event.type === 'FaxPurgeRequested')).toHaveLength(1);
  });

  it("a number's settings beat its tenant's: attach and keep on a tenant that links and stores nothing", async () => {
    const { env, sink } = await setUp({ tenant: { notifyDocument: 'link', storeNothing: true }, number: { notifyDocument: 'attach', storeNothing: false } });
    const faxId = await receiveFax(env);
    const history = await waitForHistory(env, faxId, (events) => ofType(events, 'NotificationSent').length === 3);
    expect(ofType(history, 'FaxRouted')[0]!.data.privacy).toEqual({ notifyDocument: 'attach', storeNothing: false });
    expect(sink.accepted.map((mail) => mail.parsed.attachments.length)).toEqual([1, 1]);
    await sleep(settleMs);
    expect(purgeRequests(await historyOf(env, faxId))).toEqual([]);
  });

  it('a number set to store nothing on a tenant that keeps: purged after delivery; null inherits again', async () => {
    const { env, tenantId, numberId } = await setUp({ number: { storeNothing: true } });
    const number = (await (await env.call('GET', `/v1/tenants/${tenantId}/numbers/${numberId}`)).json()) as Record<string, unknown>;
    expect(number).toMatchObject({ storeNothing: true, notifyDocument: null });
    const faxId = await receiveFax(env);
    await waitForHistory(env, faxId, (events) => purgeRequests(events).length === 1);

    expect((await env.call('PATCH', `/v1/tenants/${tenantId}/numbers/${numberId}`, { storeNothing: null })).status).toBe(200);
    const kept = await receiveFax(env);
    const history = await waitForHistory(env, kept, (events) => ofType(events, 'NotificationSent').length === 3);
    expect(ofType(history, 'FaxRouted')[0]!.data.privacy).toEqual({ notifyDocument: 'attach', storeNothing: false });
  });

  it('refuses invalid privacy settings with errors naming the field', async () => {
    const { env, tenantId, numberId } = await setUp({});
    const refusal = async (response: Response) => ({ status: response.status, field: ((await response.json()) as { field?: string }).field });
    expect(await refusal(await env.call('PATCH', `/v1/tenants/${tenantId}`, { settings: { notifyDocument: 'email' } }))).toEqual({ status: 422, field: 'settings.notifyDocument' });
    expect(await refusal(await env.call('PATCH', `/v1/tenants/${tenantId}`, { settings: { storeNothing: 'yes' } }))).toEqual({ status: 422, field: 'settings.storeNothing' });
    expect(await refusal(await env.call('PATCH', `/v1/tenants/${tenantId}`, { settings: { storeNothing: null } }))).toEqual({ status: 422, field: 'settings.storeNothing' });
    expect(await refusal(await env.call('PATCH', `/v1/tenants/${tenantId}/numbers/${numberId}`, { notifyDocument: 'pdf' }))).toEqual({ status: 422, field: 'notifyDocument' });
    expect(await refusal(await env.call('PATCH', `/v1/tenants/${tenantId}/numbers/${numberId}`, { storeNothing: 1 }))).toEqual({ status: 422, field: 'storeNothing' });
    const tenant = (await (await env.call('GET', `/v1/tenants/${tenantId}`)).json()) as { settings: Record<string, unknown> };
    expect(tenant.settings).toMatchObject({ notifyDocument: 'attach', storeNothing: false });
  });
});
