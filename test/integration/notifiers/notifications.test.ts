import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createKafkaBus } from '../../../src/adapters/kafka/kafkaBus.js';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { encodeFaxEvent } from '../../../src/domain/faxEventMessage.js';
import { testKafkaBrokers } from '../../support/kafkaBroker.js';
import { startServerWithSimulator } from '../../support/serverHarness.js';
import { startSmtpSink, type SmtpAnswer } from '../../support/smtpSink.js';
import { makeTempDir } from '../../support/tempDir.js';
import { startWebhookReceiver, type WebhookAnswer } from '../../support/webhookReceiver.js';
import {
  historyOf,
  newWebhookSecret,
  notifierEnv,
  ofType,
  pdfPages,
  provision,
  receiveFax,
  scenario,
  tenantAuth,
  waitForHistory,
  type Env,
} from '../../support/notifierScenario.js';

type Mode = 'embedded' | 'kafka';

describe.each<Mode>(['embedded', 'kafka'])('notifiers (%s)', (mode) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(options: { smtp?: (attempt: number) => SmtpAnswer; webhooks: Array<{ style: 'json' | 'form'; document?: 'inline'; answer?: (attempt: number) => WebhookAnswer }> }) {
    const dir = makeTempDir('notify');
    cleanups.push(dir.remove);
    const sink = await startSmtpSink(options.smtp);
    cleanups.push(sink.close);
    const receivers = [];
    for (const webhook of options.webhooks) {
      const secret = newWebhookSecret();
      const receiver = await startWebhookReceiver(secret, webhook.answer);
      cleanups.push(receiver.close);
      receivers.push({ ...receiver, secret, style: webhook.style, document: webhook.document });
    }
    const kafka = mode === 'kafka' ? { brokers: testKafkaBrokers(), topic: `notify-${randomUUID()}` } : undefined;
    const serverEnv = notifierEnv(sink.port, kafka);
    let current: Env | undefined = await startServerWithSimulator({ scenario, dataDir: dir.path, env: serverEnv });
    const env: Env = current;
    cleanups.push(() => current?.close());
    /** Stops the server, lets `between` change its data, and starts it again on the same data. */
    const restart = async (between: () => Promise<void>) => {
      await current!.close();
      current = undefined;
      await between();
      current = await startServerWithSimulator({ scenario, dataDir: dir.path, env: serverEnv });
      return current;
    };
    await provision(env, [
      { kind: 'email', addresses: ['fax@acme.example'] },
      ...receivers.map((receiver) => ({ kind: 'webhook', url: receiver.url, secret: receiver.secret, style: receiver.style, ...(receiver.document ? { document: receiver.document } : {}) })),
    ]);
    return { env, sink, receivers, dir: dir.path, kafka, restart };
  }

  it('e-mails a received 3-page fax with its PDF and posts signed JSON (link) and form (inline PDF) webhooks, each exactly once', async () => {
    const { env, sink, receivers, dir, kafka, restart } = await setUp({ webhooks: [{ style: 'json' }, { style: 'form', document: 'inline' }] });
    const faxId = await receiveFax(env);
    const history = await waitForHistory(env, faxId, (events) => ofType(events, 'NotificationSent').length === 4);

    // E-mail: the number's notify address and the e-mail endpoint, each its own message, PDF attached.
    expect(sink.accepted.map((mail) => mail.envelopeTo).sort()).toEqual([['fax@acme.example'], ['owner@acme.example']]);
    for (const mail of sink.accepted) {
      expect(mail.parsed.subject).toBe('Fax from 5550001111 to +15551230000 (3 pages)');
      expect(mail.parsed.from?.text).toContain('fax@faxengine.test');
      expect(mail.parsed.text).toContain('From:    5550001111');
      expect(mail.parsed.text).toContain('Pages:   3');
      expect(mail.parsed.text).toMatch(/Time: {4}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
      expect(mail.parsed.messageId).toMatch(/@faxengine\.test>$/);
      expect(mail.parsed.attachments).toHaveLength(1);
      expect(mail.parsed.attachments[0]).toMatchObject({ contentType: 'application/pdf', filename: `fax-${faxId}.pdf` });
      expect(await pdfPages(mail.parsed.attachments[0]!.content, dir)).toBe(3);
    }

    // Webhooks: signature verified by the documented recipe; the document through its signed link.
    const [jsonHook, formHook] = receivers;
    expect(jsonHook!.received).toHaveLength(1);
    expect(formHook!.received).toHaveLength(1);
    expect(jsonHook!.received[0]!.verified).toBe(true);
    expect(formHook!.received[0]!.verified).toBe(true);
    expect(jsonHook!.received[0]!.headers['content-type']).toBe('application/json');
    const payload = JSON.parse(jsonHook!.received[0]!.body) as { type: string; data: Record<string, unknown> & { document: { url: string } } };
    expect(payload).toMatchObject({ type: 'fax.received', data: { faxId, from: '5550001111', to: '+15551230000', pages: 3, partial: false, status: 'received', direction: 'inbound' } });
    const pdf = await fetch(payload.data.document.url);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(await pdfPages(Buffer.from(await pdf.arrayBuffer()), dir)).toBe(3);
    const tampered = new URL(payload.data.document.url);
    tampered.searchParams.set('expires', String(Number(tampered.searchParams.get('expires')) + 1));
    expect((await fetch(tampered)).status).toBe(403);

    expect(formHook!.received[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(formHook!.received[0]!.body);
    expect(Object.fromEntries(['type', 'fax_id', 'from', 'to', 'pages', 'partial'].map((key) => [key, form.get(key)]))).toEqual({
      type: 'fax.received',
      fax_id: faxId,
      from: '5550001111',
      to: '+15551230000',
      pages: '3',
      partial: 'false',
    });
    expect(form.get('document_url')).toBeNull();
    expect(await pdfPages(Buffer.from(form.get('document_base64')!, 'base64'), dir)).toBe(3);

    // The outcomes are in the fax's history, after the call ended, and in the read API.
    const types = history.map((event) => event.type);
    expect(types.indexOf('NotificationSent')).toBeGreaterThan(types.indexOf('FaxCallEnded'));
    const notifications = (await (await env.call('GET', `/v1/faxes/${faxId}/notifications`, undefined, tenantAuth)).json()) as { items: Array<{ status: string }> };
    expect(notifications.items.map((item) => item.status)).toEqual(['sent', 'sent', 'sent', 'sent']);

    // A redelivered bus message (Kafka) or a replay from an older checkpoint (embedded) sends nothing twice.
    if (kafka) {
      // Driven by the topic, not by a subscription of their own.
      expect(await env.server.eventStore.checkpoints.load('notifiers')).toBeUndefined();
      await redeliverOnKafka(kafka, env, faxId);
      await waitForGroupToCatchUp(kafka);
    } else {
      await replayEmbedded(restart, dir);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sink.accepted).toHaveLength(2);
    expect(receivers.map((receiver) => receiver.received.length)).toEqual([1, 1]);
  });

  it('retries an SMTP 4xx and a webhook 500 with backoff and delivers each once, keeping the webhook-id', async () => {
    const { env, sink, receivers } = await setUp({
      smtp: (attempt) => (attempt === 1 ? { code: 451, message: '4.3.0 try again later' } : 'accept'),
      webhooks: [{ style: 'json', answer: (attempt) => (attempt <= 2 ? 500 : 200) }],
    });
    const faxId = await receiveFax(env);
    const history = await waitForHistory(env, faxId, (events) => ofType(events, 'NotificationSent').length === 3);
    const hook = receivers[0]!;
    expect(hook.received).toHaveLength(3);
    expect(new Set(hook.received.map((request) => request.headers['webhook-id'])).size).toBe(1);
    expect(hook.received.every((request) => request.verified)).toBe(true);

    // The SMTP sink refused the first message of the run (one of the two e-mails) once.
    expect(sink.attempts()).toBe(3);
    expect(sink.accepted).toHaveLength(2);
    const failures = ofType(history, 'NotificationAttemptFailed').map((event) => event.data);
    expect(failures.filter((data) => (data.error as { kind: string }).kind === 'smtp_transient')).toEqual([
      expect.objectContaining({ permanent: false, attempt: 1, error: expect.objectContaining({ code: 451 }), nextAttemptAt: expect.any(String) }),
    ]);
    const webhookFailures = failures.filter((data) => (data.error as { kind: string }).kind === 'http_status');
    expect(webhookFailures.map((data) => [data.attempt, (data.error as { code: number }).code])).toEqual([
      [1, 500],
      [2, 500],
    ]);
    expect(webhookFailures.every((data) => data.notificationId === hook.received[0]!.headers['webhook-id'])).toBe(true);
    expect(ofType(history, 'NotificationDeadLettered')).toEqual([]);
  });

  it('dead-letters an SMTP 5xx at once and a silent webhook after the schedule, lists them, and redelivers on request', async () => {
    let hookHealthy = false;
    const { env, sink, receivers } = await setUp({
      smtp: () => ({ code: 550, message: '5.1.1 mailbox unavailable' }),
      webhooks: [{ style: 'json', answer: () => (hookHealthy ? 200 : 'hang') }],
    });
    const faxId = await receiveFax(env);
    const history = await waitForHistory(env, faxId, (events) => ofType(events, 'NotificationDeadLettered').length === 3);
    const hook = receivers[0]!;
    // 1 attempt + 2 retries (schedule 150 ms, 300 ms), each timed out after 500 ms.
    expect(hook.received).toHaveLength(3);
    const webhookFailures = ofType(history, 'NotificationAttemptFailed').filter((event) => (event.data.error as { kind: string }).kind === 'timeout');
    expect(webhookFailures.map((event) => event.data.nextAttemptAt === null)).toEqual([false, false, true]);
    // No retry storm on a permanent refusal: two e-mails, one attempt each.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(sink.attempts()).toBe(2);
    const smtpFailures = ofType(history, 'NotificationAttemptFailed').filter((event) => (event.data.error as { kind: string }).kind === 'smtp_permanent');
    expect(smtpFailures.map((event) => [event.data.permanent, event.data.nextAttemptAt])).toEqual([
      [true, null],
      [true, null],
    ]);

    const dead = (await (await env.call('GET', '/v1/notifications?status=dead', undefined, tenantAuth)).json()) as { items: Array<{ notificationId: string; target: { channel: string }; attempts: number }> };
    expect(dead.items).toHaveLength(3);
    const webhookDead = dead.items.find((item) => item.target.channel === 'webhook')!;
    expect(webhookDead.attempts).toBe(3);

    hookHealthy = true;
    const path = `/v1/faxes/${faxId}/notifications/${encodeURIComponent(webhookDead.notificationId)}/redeliver`;
    expect((await env.call('POST', path, undefined, tenantAuth)).status).toBe(202);
    await waitForHistory(env, faxId, (events) => ofType(events, 'NotificationSent').length === 1);
    expect(hook.received).toHaveLength(4);
    expect(hook.received[3]!.headers['webhook-id']).toBe(webhookDead.notificationId);
    expect(hook.received[3]!.verified).toBe(true);
    // Only dead letters can be redelivered.
    expect((await env.call('POST', path, undefined, tenantAuth)).status).toBe(409);
    expect(ofType(await historyOf(env, faxId), 'NotificationRedeliveryRequested')).toHaveLength(1);
  });
});

/** Publishes the fax's events to the topic again, as a broker redelivery would hand them over. */
async function redeliverOnKafka(kafka: { brokers: string[]; topic: string }, env: Env, faxId: string): Promise<void> {
  const events = await env.server.eventStore.readStream(`fax-${faxId}`);
  const bus = createKafkaBus({ brokers: kafka.brokers, clientId: 'notifier-test-redelivery', logger: pino({ level: 'silent' }) });
  await bus.publish(kafka.topic, events.map(encodeFaxEvent));
  await bus.close();
}

/** Waits until group faxengine-notifiers has committed every offset of the topic. */
async function waitForGroupToCatchUp(kafka: { brokers: string[]; topic: string }): Promise<void> {
  const admin = new Kafka({ brokers: kafka.brokers, clientId: 'notifier-test-admin', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ends = await admin.fetchTopicOffsets(kafka.topic);
      const [committed] = await admin.fetchOffsets({ groupId: 'faxengine-notifiers', topics: [kafka.topic] });
      const done = ends.every((end) => end.high === '0' || committed!.partitions.find((partition) => partition.partition === end.partition)?.offset === end.high);
      if (done) return;
      if (Date.now() > deadline) throw new Error(`the notifier group did not catch up: ${JSON.stringify({ ends, committed })}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Restarts the server with the notifiers' checkpoint rewound to the start (as if it crashed before saving any) and waits until they caught up. */
async function replayEmbedded(restart: (between: () => Promise<void>) => Promise<Env>, dataDir: string): Promise<void> {
  let head = 0;
  const restarted = await restart(async () => {
    const store = createSqliteEventStore({ path: `${dataDir}/events.sqlite` });
    // The fax streams' last event: reads of the document (the access trail) come after it, in streams the notifiers do not follow.
    head = (await store.readAll({ streamPrefixes: ['fax-'] })).at(-1)!.position;
    await store.checkpoints.save('notifiers', 0);
    await store.close();
  });
  const deadline = Date.now() + 15_000;
  while (((await restarted.server.eventStore.checkpoints.load('notifiers')) ?? 0) < head) {
    if (Date.now() > deadline) throw new Error('the notifiers did not catch up after the restart');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
