import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../../src/domain/notifications/faxSummary.js';
import { faxStreamClosed, notifiable, planNotifications } from '../../../src/domain/notifications/notificationPlan.js';
import { isDue, nextAttemptAt, notificationStates } from '../../../src/domain/notifications/notificationState.js';

const at = '2026-01-02T03:04:05.000Z';
let sequence = 0;
const event = (type: string, data: unknown): StreamEvent => ({ id: `e${++sequence}`, type, data, created: at });

function receivedFax(partial = false): StreamEvent[] {
  return [
    event('FaxCallOffered', { faxId: 'f1', callUuid: 'c1', callerNumber: '5550001111', callerName: 'ACME SALES', toUser: '15551230000', offeredAt: at }),
    event('FaxCallAnswered', { faxId: 'f1', tenantId: 't1', recipient: '+15551230000' }),
    partial
      ? event('FaxReceiveFailed', { faxId: 'f1', pagesReceived: 2, documentId: 'd1', partial: true, resultText: 'Disconnected', reasonClass: 'call_dropped', failedAt: at })
      : event('FaxReceived', { faxId: 'f1', pages: 3, documentId: 'd1', resultText: 'OK', receivedAt: at }),
    event('FaxRouted', {
      faxId: 'f1',
      tenantId: 't1',
      recipient: '+15551230000',
      documentId: 'd1',
      partial,
      endpointScope: 'tenant',
      deliveries: [
        { endpointId: '7', kind: 'gateway', priority: 0, gateway: 'pbx' },
        { endpointId: '8', kind: 'email', priority: 1, addresses: ['fax@acme.example', 'Owner@acme.example'] },
        { endpointId: '9', kind: 'webhook', priority: 2, url: 'https://hooks.example/fax', style: 'form' },
      ],
      notifyEmails: ['owner@acme.example', 'boss@acme.example', 'boss@acme.example'],
    }),
  ];
}

describe('which notifications a fax stream asks for', () => {
  it('plans e-mails (notify addresses not already covered by an e-mail endpoint) and webhooks for a received fax, never gateways', () => {
    const events = receivedFax();
    const routedId = events[3]!.id;
    const planned = planNotifications(events, 'f1');
    expect(planned.map((item) => [item.ref.notificationId, item.ref.target, item.attachDocument])).toEqual([
      [`${routedId}.notify`, { channel: 'email', to: ['boss@acme.example'] }, true],
      [`${routedId}.endpoint-8`, { channel: 'email', to: ['fax@acme.example', 'Owner@acme.example'] }, true],
      [`${routedId}.endpoint-9`, { channel: 'webhook', url: 'https://hooks.example/fax', style: 'form' }, false],
    ]);
    expect(planned[0]!.summary).toMatchObject({ from: '5550001111', fromName: 'ACME SALES', to: '+15551230000', pages: 3, partial: false, status: 'received', time: at });
    expect(planned[2]!.documentMode).toBe('url');
  });

  it('marks a partial fax and waits until the call has ended before anything is due', () => {
    const events = receivedFax(true);
    expect(planNotifications(events, 'f1')[0]!.summary).toMatchObject({ partial: true, pages: 2, status: 'failed' });
    expect(faxStreamClosed(events)).toBe(false);
    expect(faxStreamClosed([...events, event('FaxCallEnded', { faxId: 'f1' })])).toBe(true);
  });

  it.each([
    ['report', 'FaxSent', true, false],
    ['report', 'FaxFailed', true, false],
    ['full', 'FaxSent', true, true],
    ['fullOnFailure', 'FaxSent', false, false],
    ['fullOnFailure', 'FaxFailed', true, true],
    ['none', 'FaxFailed', false, false],
  ] as const)('send result: %s on %s → e-mail %s, document attached %s', (mode, type, mailed, attached) => {
    const result = event(type, {
      faxId: 'f2',
      tenantId: 't1',
      to: '+15557654321',
      from: '+15551230000',
      pages: 2,
      attempts: 3,
      documentId: 'd2',
      reason: { class: 'busy', text: 'USER_BUSY' },
      notify: { emails: ['me@acme.example'], mode },
      deliveries: [{ endpointId: '9', kind: 'webhook', priority: 1, url: 'https://hooks.example/fax', style: 'json' }],
    });
    expect(faxStreamClosed([result])).toBe(true);
    const planned = planNotifications([result], 'f2');
    const emails = planned.filter((item) => item.ref.target.channel === 'email');
    expect(emails.map((item) => item.attachDocument)).toEqual(mailed ? [attached] : []);
    expect(planned.filter((item) => item.ref.target.channel === 'webhook')).toHaveLength(1);
    if (type === 'FaxFailed') expect(planned[0]!.summary.result).toBe('failed after 3 attempts: busy: USER_BUSY');
  });
});

describe('notification state and retry times', () => {
  const ref = { notificationId: 'n1', faxId: 'f1', tenantId: 't1', sourceEventId: 'e1', sourceType: 'FaxRouted', endpointId: '9', target: { channel: 'webhook', url: 'u', style: 'json' } };
  const error = { kind: 'http_status', message: 'HTTP 500', code: 500 };

  it('folds attempts into pending → retrying → dead → pending (redelivery, new round) → sent', () => {
    const now = new Date('2026-01-02T03:00:00.000Z');
    const failed = (attempt: number, nextAttemptAt: string | null) => event('NotificationAttemptFailed', { ...ref, attempt, error, permanent: false, nextAttemptAt, failedAt: at });
    const history = [failed(1, '2026-01-02T03:00:05.000Z')];
    expect(notificationStates(history).get('n1')).toMatchObject({ status: 'retrying', attempts: 1, roundAttempts: 1 });
    expect(isDue(notificationStates(history).get('n1')!, now)).toBe(false);
    expect(isDue(notificationStates(history).get('n1')!, new Date('2026-01-02T03:00:05.000Z'))).toBe(true);
    history.push(failed(2, null), event('NotificationDeadLettered', { ...ref, attempts: 2, reason: error, deadLetteredAt: at }));
    expect(notificationStates(history).get('n1')).toMatchObject({ status: 'dead', attempts: 2 });
    expect(isDue(notificationStates(history).get('n1')!, now)).toBe(false);
    history.push(event('NotificationRedeliveryRequested', { ...ref, requestedAt: at, requestedBy: 'admin' }));
    expect(notificationStates(history).get('n1')).toMatchObject({ status: 'pending', attempts: 2, roundAttempts: 0 });
    history.push(event('NotificationSent', { ...ref, attempt: 3, sentAt: at, detail: { status: 200 } }));
    expect(notificationStates(history).get('n1')).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('takes the delay of the round attempt from the schedule, spread by ±20 %, and none after the last', () => {
    const now = new Date('2026-01-02T03:00:00.000Z');
    const schedule = [5_000, 30_000];
    expect(nextAttemptAt(1, schedule, now, 0.5)).toBe('2026-01-02T03:00:05.000Z');
    expect(nextAttemptAt(1, schedule, now, 0)).toBe('2026-01-02T03:00:04.000Z');
    expect(nextAttemptAt(2, schedule, now, 0.999_999)).toBe('2026-01-02T03:00:36.000Z');
    expect(nextAttemptAt(3, schedule, now, 0.5)).toBeNull();
  });
});

describe('send results as the send path records them', () => {
  it('takes the submitter’s preferences from FaxQueued and the document from FaxDocumentPrepared', () => {
    const events = [
      event('FaxQueued', { faxId: 'f3', tenantId: 't1', to: '+15557654321', from: '+15551230000', notify: { emails: ['me@acme.example'], mode: 'fullOnFailure' } }),
      event('FaxDocumentPrepared', { faxId: 'f3', documentId: 'd3', pages: 2 }),
      event('FaxFailed', { faxId: 'f3', tenantId: 't1', to: '+15557654321', from: '+15551230000', pages: 2, attempts: 3, outcomeClass: 'busy', reason: 'the line was busy 3 times' }),
    ];
    const [mail] = planNotifications(events, 'f3');
    expect(mail!.ref.target).toEqual({ channel: 'email', to: ['me@acme.example'] });
    expect(mail!.attachDocument).toBe(true);
    expect(mail!.summary).toMatchObject({ documentId: 'd3', status: 'failed', result: 'failed after 3 attempts: the line was busy 3 times' });
  });
});

describe("a sent fax's steps", () => {
  const hook = (endpointId: string, events: string[]) => ({ endpointId, kind: 'webhook', priority: 1, url: `https://hooks.example/${endpointId}`, style: 'json', events });
  const steps = () => [
    event('FaxQueued', { faxId: 'f4', tenantId: 't1', to: '+15557654321', from: '+15551230000', queuedAt: at, webhookUrl: 'https://crm.example/fax', webhooks: [hook('5', ['fax.sent', 'fax.failed']), hook('6', ['fax.attempt.failed'])], notify: { emails: ['me@acme.example'], mode: 'report' } }),
    event('FaxDocumentPrepared', { faxId: 'f4', documentId: 'd4', pages: 2 }),
    event('FaxSendAttemptStarted', { faxId: 'f4', attempt: 1, gateway: 'gw1', startedAt: at }),
    event('FaxSendAttemptFailed', { faxId: 'f4', attempt: 1, gateway: 'gw1', outcomeClass: 'gatewayFailure', reason: 'gateway failure (503)' }),
  ];

  it('goes out as each step is stored: to the webhookUrl every step, to endpoints the steps they subscribed to, e-mail only for the result', () => {
    const events = steps();
    expect(faxStreamClosed(events)).toBe(false);
    expect(notifiable(events)).toBe(true);
    let planned = planNotifications(events, 'f4');
    expect(planned.map((item) => [item.destination, item.topic])).toEqual([
      ['webhook', 'queued'],
      ['webhook', 'converted'],
      ['webhook', 'attempt.started'],
      ['webhook', 'attempt.failed'],
      ['endpoint-6', 'attempt.failed'],
    ]);
    // Next gateway at once: the failure is not followed by a scheduled retry.
    expect(planned[3]!.details).toMatchObject({ attempt: { number: 1, gateway: 'gw1', cause: 'gateway failure (503)' }, nextAttempt: { number: 2, at, gateway: null } });
    expect(planned[0]!.summary.documentId).toBeNull();
    expect(planned[1]!.summary).toMatchObject({ documentId: 'd4', pages: 2 });

    events.push(event('FaxSendAttemptStarted', { faxId: 'f4', attempt: 2, gateway: 'gw2', startedAt: at }), event('FaxSent', { faxId: 'f4', tenantId: 't1', to: '+15557654321', from: '+15551230000', pages: 2, attempts: 2, remoteIdent: 'REMOTE', attemptLog: [{ attempt: 1 }, { attempt: 2 }] }));
    planned = planNotifications(events, 'f4');
    expect(planned.slice(5).map((item) => [item.destination, item.topic, item.ref.target.channel])).toEqual([
      ['webhook', 'attempt.started', 'webhook'],
      ['webhook', 'sent', 'webhook'],
      ['endpoint-5', 'sent', 'webhook'],
      ['submitter', 'sent', 'email'],
    ]);
    expect(planned[6]!.summary).toMatchObject({ status: 'sent', attempts: 2, remoteIdent: 'REMOTE', documentId: 'd4' });
    expect(planned[6]!.ref.notificationId).toBe(`${events[5]!.id}.webhook`);
    expect(planned[6]!.ref.endpointId).toBeNull();
  });

  it('tells when the next attempt is due, or that there is none', () => {
    const events = steps();
    events.push(event('FaxRetryScheduled', { faxId: 'f4', nextAttempt: 2, retryAt: '2026-01-02T03:07:05.000Z', gateway: 'gw1' }));
    expect(planNotifications(events, 'f4')[3]!.details!.nextAttempt).toEqual({ number: 2, at: '2026-01-02T03:07:05.000Z', gateway: 'gw1' });
    const ended = [...steps(), event('FaxFailed', { faxId: 'f4', attempts: 1, outcomeClass: 'rejected', reason: 'rejected' })];
    expect(planNotifications(ended, 'f4')[3]!.details!.nextAttempt).toBeNull();
  });

  it('tells of a cancel (fax.cancelled), to the endpoints that asked for it', () => {
    const events = [...steps().slice(0, 2), event('FaxCancelled', { faxId: 'f4', tenantId: 't1', during: 'queued', attempts: 0, cancelledAt: at })];
    events[0] = { ...events[0]!, data: { ...(events[0]!.data as object), webhooks: [hook('7', ['fax.cancelled'])] } };
    const planned = planNotifications(events, 'f4');
    expect(faxStreamClosed(events)).toBe(true);
    expect(planned.map((item) => [item.destination, item.topic])).toEqual([
      ['webhook', 'queued'],
      ['webhook', 'converted'],
      ['webhook', 'cancelled'],
      ['endpoint-7', 'cancelled'],
    ]);
    expect(planned[3]!.summary.status).toBe('cancelled');
    expect(planned[3]!.details).toEqual({ during: 'queued', cancelledAt: at });
  });
});
