import { describe, expect, it } from 'vitest';
import { timelineOf } from '../../../src/console/timeline.js';
import type { RecordedEvent } from '../../../src/ports/eventStore.js';

const recorded = (type: string, data: Record<string, unknown>, revision: number): RecordedEvent => ({
  id: `e${revision}`,
  stream: 'fax-f1',
  type,
  data,
  metadata: {} as RecordedEvent['metadata'],
  revision,
  position: revision,
  created: `2026-01-01T00:00:0${revision}.000Z`,
});

describe('a fax timeline in words', () => {
  it('tells each attempt and its cause, the retry and why, the result and each notification', () => {
    const transport = { ecm: true, v17: true, t38: true };
    const target = { channel: 'webhook', url: 'https://hooks.example/fax', style: 'json' };
    const lines = timelineOf([
      recorded('FaxQueued', { from: '+15551230000', to: '+15557654321', resolution: 'fine', pageSize: 'letter', files: [{}] }, 0),
      recorded('FaxSendAttemptStarted', { attempt: 1, gateway: 'carrier1', to: '+15557654321', transport }, 1),
      recorded('FaxSendAttemptFailed', { attempt: 1, gateway: 'carrier1', outcomeClass: 'busy', reason: 'the line was busy', answered: false, pagesSent: 0, sipStatus: 486, sipDisposition: 'Busy Here', hangupCause: 'USER_BUSY' }, 2),
      recorded('FaxRetryScheduled', { nextAttempt: 2, retryAt: '2026-01-01T00:05:00.000Z', gateway: 'carrier1', transport, history: ['busy'] }, 3),
      recorded('FaxPageTransferred', { page: 2, totalPages: 2, resolution: '204x196', badRows: 3, encoding: 'T.4' }, 4),
      recorded('FaxSent', { pages: 2, attempts: 2, transferRate: 9600, t38Status: 'off', ecmUsed: false }, 5),
      recorded('NotificationAttemptFailed', { target, attempt: 1, error: { kind: 'http_status', message: 'HTTP 500', code: 500 }, permanent: false, nextAttemptAt: '2026-01-01T00:06:00.000Z' }, 6),
      recorded('NotificationSent', { target, attempt: 2, detail: { status: 200 } }, 7),
      recorded('SomethingNew', {}, 8),
    ]);
    expect(lines.map((line) => `${line.title} — ${line.detail}`)).toEqual([
      'Queued for sending — from +15551230000 to +15557654321 · fine resolution · LETTER · 1 file',
      'Attempt 1: dialling — +15557654321 via carrier1 · T.38 allowed · ECM · V.17',
      'Attempt 1 failed: busy — the line was busy · SIP 486 Busy Here · hang-up USER_BUSY · not answered',
      'Retry 2 at 2026-01-01 00:05:00 UTC — via carrier1 · T.38 allowed · ECM · V.17 · after busy',
      'Page 2 of 2 transferred — 204x196 · 3 bad rows · T.4',
      'Fax sent — 2 pages · 9600 bit/s · audio · ECM off · 2 attempts',
      'Delivery failed: webhook https://hooks.example/fax — attempt 1 · http status · HTTP 500 · next try at 2026-01-01 00:06:00 UTC',
      'Delivered: webhook https://hooks.example/fax — attempt 2 · HTTP 200',
      'SomethingNew — ',
    ]);
    expect(lines[0]!.at).toBe('2026-01-01T00:00:00.000Z');
  });

  it('tells who marked a received fax read or unread', () => {
    const lines = timelineOf([
      recorded('FaxMarkedRead', { faxId: 'f1', tenantId: 't1', by: { kind: 'user', userId: 'u1', username: 'desk' }, at: '2026-01-01T00:00:00.000Z' }, 0),
      recorded('FaxMarkedUnread', { faxId: 'f1', tenantId: 't1', by: { kind: 'admin' }, at: '2026-01-01T00:00:01.000Z' }, 1),
    ]);
    expect(lines.map((line) => `${line.title} — ${line.detail}`)).toEqual(['Marked read — by desk', 'Marked unread — by admin']);
  });
});
