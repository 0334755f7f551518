import { blankSummary, type FaxSummary, type StreamEvent } from './faxSummary.js';
import { describeReason, sendResultOf } from './sendResult.js';

/** The steps of a sent fax that webhooks tell about (the payload type is `fax.<topic>`). */
export type OutboundTopic = 'queued' | 'converted' | 'attempt.started' | 'attempt.failed' | 'sent' | 'failed' | 'cancelled';

/** One step of an outbound fax: its source event, the fax as it stood then, and what is particular to the step. */
export interface OutboundNotice {
  event: StreamEvent;
  topic: OutboundTopic;
  summary: FaxSummary;
  /** JSON-safe fields added to the payload's `data` (attempt, nextAttempt, attemptLog, …). */
  details: Record<string, unknown>;
}

const topics: Readonly<Record<string, OutboundTopic>> = {
  FaxQueued: 'queued',
  FaxDocumentPrepared: 'converted',
  FaxSendAttemptStarted: 'attempt.started',
  FaxSendAttemptFailed: 'attempt.failed',
  FaxSent: 'sent',
  FaxFailed: 'failed',
  FaxCancelled: 'cancelled',
};

export const outboundNoticeTypes: ReadonlySet<string> = new Set(Object.keys(topics));

type Data = Record<string, unknown>;
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);
const number = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/**
 * Folds an outbound fax's stream into its notices, in stream order. Pure: every notice is computed
 * from the events up to its own and the ones appended with it (a failed attempt's retry or final
 * failure is stored in the same append), so every retry of a webhook carries the same data.
 */
export function outboundNotices(events: readonly StreamEvent[], faxId: string): OutboundNotice[] {
  if (events[0]?.type !== 'FaxQueued') return [];
  const summary = blankSummary(faxId, 'outbound', 'queued', 0);
  const notices: OutboundNotice[] = [];
  const push = (event: StreamEvent, patch: Partial<FaxSummary>, details: Data) => {
    Object.assign(summary, patch);
    notices.push({ event, topic: topics[event.type]!, summary: { ...summary }, details });
  };
  for (const [index, event] of events.entries()) {
    const data = (event.data ?? {}) as Data;
    switch (event.type) {
      case 'FaxQueued':
        push(
          event,
          { tenantId: text(data.tenantId) ?? null, from: text(data.from) ?? '', fromName: text(data.callerIdName) ?? null, to: text(data.to) ?? '', time: text(data.queuedAt) ?? event.created, result: 'queued' },
          { queuedAt: text(data.queuedAt) ?? event.created, resolution: data.resolution ?? null, pageSize: data.pageSize ?? null },
        );
        break;
      case 'FaxDocumentPrepared':
        push(event, { pages: number(data.pages) ?? 0, documentId: text(data.documentId) ?? null, time: event.created, result: 'document ready' }, {});
        break;
      case 'FaxSendAttemptStarted': {
        const attempt = number(data.attempt) ?? (summary.attempts ?? 0) + 1;
        const startedAt = text(data.startedAt) ?? event.created;
        push(event, { status: 'dialing', attempts: attempt, time: startedAt, result: `dialing (attempt ${attempt})` }, { attempt: { number: attempt, gateway: data.gateway ?? null, startedAt } });
        break;
      }
      case 'FaxSendAttemptFailed': {
        const next = nextAttemptAfter(events, index);
        const cause = text(data.reason) ?? text(data.outcomeClass) ?? 'unknown';
        push(event, { status: next ? 'retrying' : 'failed', time: event.created, result: `attempt ${String(data.attempt)} failed: ${cause}` }, {
          attempt: {
            number: data.attempt ?? null,
            gateway: data.gateway ?? null,
            outcomeClass: data.outcomeClass ?? null,
            cause,
            hangupCause: data.hangupCause ?? null,
            sipStatus: data.sipStatus ?? null,
            t30Code: data.t30Code ?? null,
            t30Text: data.t30Text ?? null,
            answered: data.answered ?? null,
            pagesSent: data.pagesSent ?? null,
          },
          nextAttempt: next,
        });
        break;
      }
      case 'FaxSent': {
        const result = sendResultOf(data);
        push(event, { status: 'sent', attempts: result.attempts, time: result.at ?? event.created, result: 'sent', remoteIdent: text(data.remoteIdent) ?? null, pages: result.pages || summary.pages }, {
          gateway: data.gateway ?? null,
          attemptLog: data.attemptLog ?? [],
        });
        break;
      }
      case 'FaxFailed': {
        const result = sendResultOf(data);
        push(
          event,
          { status: 'failed', attempts: result.attempts, time: result.at ?? event.created, result: `failed after ${result.attempts} attempt${result.attempts === 1 ? '' : 's'}: ${describeReason(result.reason) || 'unknown reason'}` },
          { reason: describeReason(result.reason) || null, outcomeClass: data.outcomeClass ?? null, maybeSent: data.maybeSent === true, attemptLog: data.attemptLog ?? [] },
        );
        break;
      }
      case 'FaxCancelled':
        push(event, { status: 'cancelled', time: text(data.cancelledAt) ?? event.created, result: 'cancelled' }, { during: data.during ?? null, cancelledAt: text(data.cancelledAt) ?? event.created });
        break;
    }
  }
  return notices;
}

/**
 * What follows a failed attempt, from the events stored with it: a scheduled retry (its time and
 * gateway), the fax's end (null), or nothing — the next gateway is tried at once (`at` is then
 * the failure's own time, `gateway` null: the next in the list).
 */
function nextAttemptAfter(events: readonly StreamEvent[], index: number): { number: number | null; at: string; gateway: string | null } | null {
  const failed = events[index]!;
  const attempt = number((failed.data as Data).attempt);
  for (const event of events.slice(index + 1)) {
    const data = (event.data ?? {}) as Data;
    if (event.type === 'FaxRetryScheduled') return { number: number(data.nextAttempt) ?? null, at: text(data.retryAt) ?? event.created, gateway: text(data.gateway) ?? null };
    if (event.type === 'FaxFailed' || event.type === 'FaxCancelled' || event.type === 'FaxSent') return null;
    if (event.type === 'FaxSendAttemptStarted') break;
  }
  return { number: attempt === undefined ? null : attempt + 1, at: failed.created, gateway: null };
}
