import { describe, expect, it } from 'vitest';
import { progressOf } from '../../../src/console/faxProgress.js';
import type { RecordedEvent } from '../../../src/ports/eventStore.js';

const recorded = (type: string, data: Record<string, unknown>, revision: number): RecordedEvent => ({
  id: `e${revision}`,
  stream: 'fax-f1',
  type,
  data,
  metadata: {},
  revision,
  position: revision,
  created: `2026-01-01T00:00:0${revision}.000Z`,
});

const queued = recorded('FaxQueued', { from: '+15551230000', to: '+15557654321' }, 0);
const prepared = recorded('FaxDocumentPrepared', { documentId: 'sha256-x', pages: 3 }, 1);
const started = (attempt: number, revision: number) => recorded('FaxSendAttemptStarted', { attempt, gateway: 'carrier1', to: '+15557654321' }, revision);
const answered = (revision: number) => recorded('FaxCallAnswered', { direction: 'outbound', gateway: 'carrier1' }, revision);
const negotiated = (revision: number) => recorded('FaxNegotiated', { transferRate: 9600, ecm: true, t38Status: 'negotiated' }, revision);
const page = (n: number, revision: number) => recorded('FaxPageTransferred', { page: n, totalPages: 3 }, revision);
const states = (events: RecordedEvent[]) => Object.fromEntries(progressOf(events).steps.map((step) => [step.key, step.state]));

describe("an outbound fax's progress in words", () => {
  it('follows the steps of a call: converted, dialling via a gateway, answered, page k of n, sent', () => {
    expect(progressOf([queued, prepared])).toMatchObject({ status: 'Converted: 3 pages; waiting for a line to dial.', finished: false, outcome: 'going' });
    expect(progressOf([queued, prepared, started(1, 2)]).status).toBe('Dialling (attempt 1): +15557654321 via gateway carrier1.');
    expect(progressOf([queued, prepared, started(1, 2), answered(3)]).status).toBe('Answered; the fax machines are negotiating.');
    expect(progressOf([queued, prepared, started(1, 2), answered(3), negotiated(4)]).status).toBe('Sending page 1 of 3.');
    const midway = progressOf([queued, prepared, started(1, 2), answered(3), negotiated(4), page(1, 5)]);
    expect(midway.status).toBe('Page 1 of 3 sent; sending page 2.');
    expect(midway.steps.find((step) => step.key === 'answered')!.detail).toBe('9600 bit/s · T.38 · ECM on');
    expect(states([queued, prepared, started(1, 2), answered(3), negotiated(4), page(1, 5)])).toEqual({ queued: 'done', converted: 'done', dialling: 'done', answered: 'done', pages: 'current', result: 'todo' });

    const sent = progressOf([queued, prepared, started(1, 2), answered(3), negotiated(4), page(1, 5), page(2, 6), page(3, 7), recorded('FaxSent', { pages: 3, attempts: 1 }, 8)]);
    expect(sent).toMatchObject({ status: 'Sent: 3 pages in 1 attempt.', finished: true, outcome: 'sent' });
    expect(sent.steps.every((step) => step.state === 'done')).toBe(true);
  });

  it('says when the retry is and why, in words, and starts the call steps again for the next attempt', () => {
    const busy = recorded('FaxSendAttemptFailed', { attempt: 1, outcomeClass: 'busy', hangupCause: 'USER_BUSY', sipStatus: 486, answered: false }, 3);
    const retry = recorded('FaxRetryScheduled', { nextAttempt: 2, retryAt: '2026-01-01T00:10:00.000Z' }, 4);
    const waiting = progressOf([queued, prepared, started(1, 2), busy, retry]);
    expect(waiting).toMatchObject({ status: 'Retry at 2026-01-01 00:10:00 UTC because the line was busy (USER_BUSY, SIP 486).', finished: false, outcome: 'retrying' });
    expect(states([queued, prepared, started(1, 2), busy, retry])).toMatchObject({ dialling: 'failed', answered: 'todo', result: 'current' });
    // The second attempt is under way: the retry is over.
    expect(progressOf([queued, prepared, started(1, 2), busy, retry, started(2, 5)]).status).toBe('Dialling (attempt 2): +15557654321 via gateway carrier1.');
  });

  it('says why a fax failed, that a lost call may have arrived, and who cancelled', () => {
    const dropped = recorded('FaxSendAttemptFailed', { attempt: 1, outcomeClass: 'pageTransferFailure', t30Text: 'Far end disconnected', answered: true }, 5);
    const failed = recorded('FaxFailed', { outcomeClass: 'pageTransferFailure', reason: 'page transfer failed', attempts: 1 }, 6);
    expect(progressOf([queued, prepared, started(1, 2), answered(3), page(1, 4), dropped, failed])).toMatchObject({
      status: 'Failed because the pages did not get through (T.30: Far end disconnected).',
      finished: true,
      outcome: 'failed',
    });
    expect(states([queued, prepared, started(1, 2), answered(3), page(1, 4), dropped, failed])).toMatchObject({ pages: 'failed', result: 'failed' });
    const lost = recorded('FaxFailed', { outcomeClass: 'interrupted', maybeSent: true, reason: 'outcome unknown' }, 4);
    expect(progressOf([queued, prepared, started(1, 2), answered(3), lost]).status).toBe('Failed because faxengine lost track of the call; the fax may have arrived.');
    const cancelled = recorded('FaxCancelled', { during: 'queued', by: { kind: 'user', userId: 'u1', username: 'acme' } }, 2);
    expect(progressOf([queued, prepared, cancelled])).toMatchObject({ status: 'Cancelled by acme.', finished: true, outcome: 'cancelled' });
  });
});
