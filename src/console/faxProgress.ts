import type { RecordedEvent } from '../ports/eventStore.js';
import { shortTime } from './format.js';

/** One step of an outbound fax's way: done, going on now, failed, or not reached yet. */
export interface ProgressStep {
  key: 'queued' | 'converted' | 'dialling' | 'answered' | 'pages' | 'result';
  label: string;
  state: 'done' | 'current' | 'failed' | 'todo';
  detail: string;
}

/** Where an outbound fax is, for people: one sentence (the live status line) and its steps. */
export interface FaxProgress {
  status: string;
  /** Sent, failed or cancelled: nothing more will happen (no live updates needed). */
  finished: boolean;
  outcome: 'sent' | 'failed' | 'cancelled' | 'retrying' | 'going';
  steps: ProgressStep[];
}

type Data = Record<string, unknown>;
const str = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');

/** The causes of a failed attempt in words a front desk reads, keyed on the outcome class. */
const causeWords: Record<string, string> = {
  busy: 'the line was busy',
  noAnswer: 'nobody answered',
  rejected: 'the number refused the call',
  gatewayFailure: 'the gateway could not place the call',
  negotiationFailure: 'the fax machines could not agree on how to send',
  pageTransferFailure: 'the pages did not get through',
  localFileError: 'the document could not be read for sending',
  noGateway: 'there is no gateway to send through',
  cancelled: 'it was cancelled',
  interrupted: 'faxengine lost track of the call; the fax may have arrived',
  unknown: 'of an unknown failure',
};

/** "the line was busy (USER_BUSY, SIP 486)": the class in words, then the raw cause it came from. */
export function causeInWords(attemptFailed: Data | undefined, fallbackClass?: string, fallbackReason?: string): string {
  const outcomeClass = str(attemptFailed?.outcomeClass) || fallbackClass || 'unknown';
  const words = causeWords[outcomeClass] ?? str(outcomeClass).replace(/_/g, ' ');
  const raw = attemptFailed
    ? [str(attemptFailed.hangupCause), attemptFailed.sipStatus ? `SIP ${str(attemptFailed.sipStatus)}` : '', attemptFailed.t30Text ? `T.30: ${str(attemptFailed.t30Text)}` : ''].filter(Boolean).join(', ')
    : (fallbackReason ?? '');
  return raw ? `${words} (${raw})` : words;
}

function submitterWords(by: unknown): string {
  const who = by as { kind?: string; username?: string } | undefined;
  if (who?.kind === 'user') return str(who.username);
  if (who?.kind === 'apiKey') return 'an API key';
  return who?.kind === 'admin' ? 'the administrator' : 'someone';
}

/**
 * Folds an outbound fax's events into its progress. Dialling, answer and pages show the latest
 * attempt (earlier ones are in the timeline); the result is the last word.
 */
export function progressOf(events: readonly RecordedEvent[]): FaxProgress {
  let queued: Data | undefined;
  let prepared: Data | undefined;
  let attempt: Data | undefined;
  let answered: Data | undefined;
  let negotiated: Data | undefined;
  let page: Data | undefined;
  let lastFailure: Data | undefined;
  let end: { type: string; data: Data } | undefined;
  for (const event of events) {
    const data = (event.data ?? {}) as Data;
    switch (event.type) {
      case 'FaxQueued':
        queued = data;
        break;
      case 'FaxDocumentPrepared':
        prepared = data;
        break;
      case 'FaxSendAttemptStarted':
        attempt = data;
        answered = negotiated = page = undefined;
        end = undefined;
        break;
      case 'FaxCallAnswered':
        answered = data;
        break;
      case 'FaxNegotiated':
        negotiated = data;
        break;
      case 'FaxPageTransferred':
        page = data;
        break;
      case 'FaxSendAttemptFailed':
        lastFailure = data;
        break;
      case 'FaxRetryScheduled':
      case 'FaxSent':
      case 'FaxFailed':
      case 'FaxCancelled':
        end = { type: event.type, data };
        break;
    }
  }

  const pages = Number(prepared?.pages ?? 0);
  const total = Number(page?.totalPages || pages);
  const result = resultOf(end, lastFailure, pages);
  const failedCall = end !== undefined && end.type !== 'FaxSent';
  const steps: ProgressStep[] = [
    { key: 'queued', label: 'Queued', state: queued ? 'done' : 'current', detail: queued ? `from ${str(queued.from)} to ${str(queued.to)}` : '' },
    { key: 'converted', label: 'Converted', state: prepared ? 'done' : queued ? 'current' : 'todo', detail: prepared ? `${pages} ${pages === 1 ? 'page' : 'pages'}` : 'converting the documents' },
    {
      key: 'dialling',
      label: attempt ? `Dialling (attempt ${str(attempt.attempt)})` : 'Dialling',
      state: !attempt ? 'todo' : answered ? 'done' : failedCall ? 'failed' : 'current',
      detail: attempt ? `${str(attempt.to)} via gateway ${str(attempt.gateway)}` : '',
    },
    {
      key: 'answered',
      label: 'Answered',
      state: answered ? (negotiated || page ? 'done' : failedCall ? 'failed' : 'current') : 'todo',
      detail: negotiated ? [`${str(negotiated.transferRate)} bit/s`, negotiated.t38Status === 'negotiated' ? 'T.38' : 'audio', negotiated.ecm === true ? 'ECM on' : 'ECM off'].join(' · ') : answered ? 'negotiating' : '',
    },
    {
      key: 'pages',
      label: page ? `Page ${str(page.page)} of ${total}` : 'Pages',
      state: !page && !negotiated ? 'todo' : end?.type === 'FaxSent' ? 'done' : failedCall ? 'failed' : 'current',
      detail: end ? (page || end.type === 'FaxSent' ? `${end.type === 'FaxSent' ? total : str(page!.page)} of ${total} sent` : '') : pagesDetail(page ? Number(page.page) : 0, total, negotiated !== undefined),
    },
    { key: 'result', label: result.label, state: result.outcome === 'sent' ? 'done' : result.outcome === 'going' ? 'todo' : result.outcome === 'retrying' ? 'current' : 'failed', detail: result.detail },
  ];
  const status = end ? result.sentence : currentSentence(steps);
  return { status, finished: result.outcome === 'sent' || result.outcome === 'failed' || result.outcome === 'cancelled', outcome: result.outcome, steps };
}

function resultOf(end: { type: string; data: Data } | undefined, lastFailure: Data | undefined, pages: number) {
  const d = end?.data ?? {};
  switch (end?.type) {
    case 'FaxSent': {
      const attempts = Number(d.attempts ?? 1);
      return { outcome: 'sent' as const, label: 'Sent', detail: `${str(d.pages || pages)} pages`, sentence: `Sent: ${str(d.pages || pages)} ${Number(d.pages || pages) === 1 ? 'page' : 'pages'} in ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}.` };
    }
    case 'FaxRetryScheduled': {
      const cause = causeInWords(lastFailure);
      return { outcome: 'retrying' as const, label: 'Waiting to retry', detail: `retry at ${shortTime(str(d.retryAt))} because ${cause}`, sentence: `Retry at ${shortTime(str(d.retryAt))} because ${cause}.` };
    }
    case 'FaxFailed': {
      const cause = d.outcomeClass === 'interrupted' ? causeInWords(undefined, 'interrupted') : causeInWords(lastFailure, str(d.outcomeClass), str(d.reason));
      return { outcome: 'failed' as const, label: 'Failed', detail: `because ${cause}`, sentence: `Failed because ${cause}.` };
    }
    case 'FaxCancelled':
      return { outcome: 'cancelled' as const, label: 'Cancelled', detail: `by ${submitterWords(d.by)}`, sentence: `Cancelled by ${submitterWords(d.by)}.` };
    default:
      return { outcome: 'going' as const, label: 'Sent', detail: '', sentence: '' };
  }
}

/** The live status line while nothing has ended: the step going on now, in a sentence. */
function currentSentence(steps: ProgressStep[]): string {
  const current = [...steps].reverse().find((step) => step.state === 'current' || step.state === 'done')!;
  switch (current.key) {
    case 'queued':
      return 'Queued; converting the documents.';
    case 'converted':
      return `Converted: ${current.detail}; waiting for a line to dial.`;
    case 'dialling':
      return `${current.label}: ${current.detail}.`;
    case 'answered':
      return current.detail === 'negotiating' ? 'Answered; the fax machines are negotiating.' : `Answered; connected at ${current.detail}.`;
    default:
      return `${current.detail.replace(/^./, (c) => c.toUpperCase())}.`;
  }
}

/** "page 2 of 3 sent; sending page 3": what the far end confirmed, and what is on its way. */
function pagesDetail(sent: number, total: number, connected: boolean): string {
  if (sent === 0) return connected ? `sending page 1 of ${total}` : '';
  if (sent >= total) return `page ${sent} of ${total} sent; waiting for the confirmation`;
  return `page ${sent} of ${total} sent; sending page ${sent + 1}`;
}
