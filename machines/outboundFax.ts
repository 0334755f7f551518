import { assign, emit, raise, setup } from 'xstate';
import type { EslSignal } from '../src/domain/fax/faxSignals.js';
import type { RecordedCallOutcome } from '../src/domain/fax/recordedCallOutcome.js';
import { t30Text } from '../src/domain/fax/t30Results.js';
import {
  answeredEvent,
  attemptFailedEvent,
  attemptStartedEvent,
  attemptVariables,
  cancelledEvent,
  classifyCall,
  currentGateway,
  failedEvent,
  interruptedAttemptEvent,
  interruptedFailedEvent,
  negotiatedEvent,
  outcomeText,
  overridesAppliedEvent,
  pageEvent,
  retryScheduledEvent,
  sentEvent,
  type CallProgress,
  type OutboundFaxContext,
  type OutboundFaxEmitted,
  type OutboundFaxInput,
} from '../src/domain/outbound/outboundFaxContext.js';
import { transportWithOverrides } from '../src/domain/outbound/dialOverrides.js';
import type { Submitter } from '../src/domain/outbound/outboundFaxEvents.js';
import { decideNextStep, type NextStep } from '../src/domain/outbound/retryDecision.js';
import { nextAttemptState } from '../src/domain/outbound/sendState.js';

export type { OutboundFaxContext, OutboundFaxEmitted, OutboundFaxInput };

/** Signals the runtime sends besides FreeSWITCH's: channel grants, reconciliation, cancel. */
export type OutboundFaxSignal =
  | EslSignal
  /** `node`: the FreeSWITCH node the call goes through (chosen with the channel). */
  | { type: 'channel.granted'; at: string; callUuid: string; node?: string }
  /** Per-destination overrides (mod_db) replace some of this attempt's variables; the originate follows. */
  | { type: 'dial.overridesApplied'; at: string; overrides: Record<string, string> }
  /** No originate went out; `cause` says why when it is known (default: FreeSWITCH was unreachable). */
  | { type: 'dial.failed'; at: string; error: string; cause?: string }
  /** After a lost connection or a restart: FreeSWITCH still has the call (its events follow again)… */
  | { type: 'call.alive'; at: string; answered: boolean }
  /** …or does not: how it ended is what FreeSWITCH recorded at hang-up, or unknown without a record. */
  | { type: 'call.gone'; at: string; outcome?: RecordedCallOutcome }
  | { type: 'fax.cancel'; at: string; by: Submitter };

/** How long after a hang-up spandsp's result may still arrive (code 49 follows CHANNEL_HANGUP). */
export const RESULT_AFTER_HANGUP_GRACE_MS = 5000;
/** spandsp's txfax may not return after a T.38 result until the call ends (reference §3.5): we end it. */
export const HANGUP_AFTER_RESULT_GRACE_MS = 30_000;

const call = (context: OutboundFaxContext): CallProgress => context.call!;
const nodeOf = (progress: CallProgress) => (progress.node === undefined ? {} : { node: progress.node });
const hangupCause = {
  type: 'updateCall',
  params: ({ event }: { event: { cause: string; sipStatus?: number; sipDisposition?: string } }) => ({
    hangupCause: event.cause,
    ...(event.sipStatus === undefined ? {} : { sipStatus: event.sipStatus }),
    ...(event.sipDisposition === undefined ? {} : { sipDisposition: event.sipDisposition }),
  }),
} as const;
const fax = (build: (args: { context: OutboundFaxContext }) => OutboundFaxEmitted) => ({ type: 'emitEvent', params: build }) as const;
/** Marks the call answered and stores FaxCallAnswered (once per call). */
const answered = (at: ({ event }: { event: OutboundFaxSignal }) => string) =>
  [
    { type: 'updateCall', params: { answered: true } },
    { type: 'emitEvent', params: ({ context, event }: { context: OutboundFaxContext; event: OutboundFaxSignal }) => answeredEvent(context, at({ event })) },
  ] as const;

/** The attempt's end as FreeSWITCH recorded it (read after a restart): what the call's events would have said. */
function recordedProgress(outcome: RecordedCallOutcome): Partial<CallProgress> {
  const result = outcome.fax;
  return {
    hangupCause: outcome.hangupCause,
    ...(result
      ? {
          result: { success: result.success, code: result.code, text: t30Text(result.code), pages: result.pages },
          pagesSent: result.pages,
          transferRate: result.transferRate,
          ecmUsed: result.ecm,
          t38Status: result.t38Status,
        }
      : {}),
  };
}

/**
 * One outbound fax: wait for a channel, dial through a gateway, follow txfax's events, and after
 * each attempt let the send policy decide (done, retry later, next gateway now, degrade, give up).
 * Effects are provided by the runtime: `requestChannel`, `releaseChannel`, `originate`,
 * `hangupCall`. Deadlines are absolute times carried in events, so a restored actor re-arms the
 * same ones. Every signal carries its time (`at`), so the machine never reads a clock.
 */
export const outboundFaxMachine = setup({
  types: {
    context: {} as OutboundFaxContext,
    input: {} as OutboundFaxInput,
    events: {} as OutboundFaxSignal,
    emitted: {} as OutboundFaxEmitted,
  },
  actions: {
    requestChannel: (_, _params: { gateway: string }) => {},
    releaseChannel: () => {},
    originate: (_, _params: { callUuid: string; gateway: string; node?: string; variables: Record<string, string> }) => {},
    /** Ends the current attempt's call (cancel, or a txfax that does not return). */
    hangupCall: () => {},
    emitEvent: emit((_, event: OutboundFaxEmitted) => event),
    recordTime: assign({ now: ({ event }) => Date.parse(event.at) }),
    startAttempt: assign(({ context }, params: { callUuid: string; at: string; node?: string }) => ({
      call: {
        callUuid: params.callUuid,
        gateway: currentGateway(context),
        ...(params.node === undefined ? {} : { node: params.node }),
        startedAt: params.at,
        answered: false,
        negotiations: 0,
        pagesSent: 0,
        badRows: 0,
        t38Status: 'off' as const,
        cancelRequested: false,
      },
    })),
    updateCall: assign(({ context }, patch: Partial<CallProgress>) => ({ call: { ...call(context), ...patch } })),
    markCancelRequested: assign(({ context, event }) => ({
      call: { ...call(context), cancelRequested: true },
      cancelledBy: event.type === 'fax.cancel' ? event.by : context.cancelledBy,
    })),
    decide: assign(({ context }) => {
      const outcome = classifyCall(context);
      const decision = decideNextStep(context.send, outcome, context.policy, context.now);
      const node = call(context).node;
      const record = { attempt: context.send.attempts, gateway: call(context).gateway, ...(node === undefined ? {} : { node }), outcome: outcomeText(outcome) };
      return { outcome, decision, attemptLog: [...context.attemptLog, record] };
    }),
    advance: assign(({ context }) => {
      const decision = context.decision as Extract<NextStep, { kind: 'retryLater' | 'nextGatewayNow' }>;
      return {
        send: nextAttemptState(context.send, context.outcome!.outcomeClass, decision),
        retryAt: decision.kind === 'retryLater' ? decision.at : undefined,
        call: undefined,
      };
    }),
  },
  guards: {
    decided: ({ context }, kind: NextStep['kind']) => context.decision?.kind === kind,
    cancelled: ({ context }) => context.decision?.kind === 'giveUp' && context.decision.outcomeClass === 'cancelled',
    answered: ({ context }) => context.call?.answered === true,
    retryPending: ({ context }) => context.retryAt !== undefined,
    inCall: ({ context }) => context.call !== undefined,
  },
  delays: {
    untilRetry: ({ context }) => Math.max(0, (context.retryAt ?? context.now) - context.now),
    resultGrace: RESULT_AFTER_HANGUP_GRACE_MS,
    hangupGrace: HANGUP_AFTER_RESULT_GRACE_MS,
  },
}).createMachine({
  id: 'outboundFax',
  context: ({ input }) => ({ ...input, send: input.next, ...(input.inCall ? { call: input.inCall } : {}) }),
  initial: 'starting',
  // Any signal moves the actor's notion of "now" forward (it only ever learns time from signals).
  on: { '*': { actions: 'recordTime' } },
  states: {
    starting: {
      always: [{ guard: 'inCall', target: 'detached' }, { guard: 'retryPending', target: 'waitingToRetry' }, { target: 'waitingForChannel' }],
    },
    waitingToRetry: {
      after: { untilRetry: 'waitingForChannel' },
      on: {
        'fax.cancel': {
          target: 'cancelled',
          actions: ['recordTime', { type: 'emitEvent', params: ({ context, event }) => cancelledEvent(context, 'waiting', event.by) }],
        },
      },
    },
    waitingForChannel: {
      entry: { type: 'requestChannel', params: ({ context }) => ({ gateway: currentGateway(context) }) },
      on: {
        'channel.granted': {
          target: 'dialing',
          actions: [
            'recordTime',
            { type: 'startAttempt', params: ({ event }) => event },
            fax(({ context }) => attemptStartedEvent(context)),
            {
              type: 'originate',
              params: ({ context }) => ({ callUuid: call(context).callUuid, gateway: call(context).gateway, ...nodeOf(call(context)), variables: attemptVariables(context) }),
            },
          ],
        },
        'fax.cancel': {
          target: 'cancelled',
          actions: ['recordTime', 'releaseChannel', { type: 'emitEvent', params: ({ context, event }) => cancelledEvent(context, 'queued', event.by) }],
        },
      },
    },
    dialing: {
      on: {
        'dial.overridesApplied': {
          actions: [
            'recordTime',
            { type: 'emitEvent', params: ({ context, event }) => overridesAppliedEvent(context, event.overrides) },
            { type: 'updateCall', params: ({ context, event }) => ({ transport: transportWithOverrides(context.send.transport, event.overrides) }) },
          ],
        },
        'esl.channel.answered': {
          target: 'sending',
          actions: [
            'recordTime',
            { type: 'updateCall', params: { answered: true } },
            { type: 'emitEvent', params: ({ context, event }) => answeredEvent(context, event.at) },
          ],
        },
        // Followed again after a restart, the answer may have come while nobody listened: spandsp's
        // events prove it, and are handled as in `sending`.
        'esl.fax.*': { target: 'sending', actions: ['recordTime', ...answered(({ event }) => event.at), raise(({ event }) => event)] },
        'esl.originate.failed': { target: 'attemptOver', actions: ['recordTime', hangupCause] },
        'esl.channel.hangup': { target: 'attemptOver', actions: ['recordTime', hangupCause] },
        'dial.failed': { target: 'attemptOver', actions: ['recordTime', { type: 'updateCall', params: ({ event }) => ({ hangupCause: event.cause ?? 'FREESWITCH_UNREACHABLE' }) }] },
        'esl.connection.lost': 'detached',
        'fax.cancel': { actions: ['recordTime', 'markCancelRequested', 'hangupCall'] },
      },
    },
    sending: {
      on: {
        'esl.fax.negotiated': {
          actions: [
            'recordTime',
            {
              type: 'updateCall',
              params: ({ context, event }) => ({
                negotiations: call(context).negotiations + 1,
                t38Status: event.t38Status,
                ecmUsed: event.ecm,
                transferRate: event.transferRate,
                ...(event.remoteIdent ? { remoteIdent: event.remoteIdent } : {}),
              }),
            },
            { type: 'emitEvent', params: ({ context, event }) => negotiatedEvent(context, event) },
          ],
        },
        'esl.fax.page': {
          actions: [
            'recordTime',
            { type: 'updateCall', params: ({ context, event }) => ({ pagesSent: event.page, badRows: call(context).badRows + event.badRows }) },
            { type: 'emitEvent', params: ({ context, event }) => pageEvent(context, event) },
          ],
        },
        'esl.fax.result': {
          target: 'endingCall',
          actions: [
            'recordTime',
            {
              type: 'updateCall',
              params: ({ event }) => ({
                result: { success: event.success, code: event.code, text: event.text, pages: event.pages },
                t38Status: event.t38Status,
                ...(event.remoteIdent ? { remoteIdent: event.remoteIdent } : {}),
              }),
            },
          ],
        },
        'esl.channel.hangup': { target: 'awaitingResult', actions: ['recordTime', hangupCause] },
        'esl.connection.lost': 'detached',
        'fax.cancel': { actions: ['recordTime', 'markCancelRequested', 'hangupCall'] },
      },
    },
    /** The result is in; the attempt ends (and its channel is released) once the call has hung up. */
    endingCall: {
      after: { hangupGrace: { target: 'attemptOver', actions: 'hangupCall' } },
      on: {
        'esl.channel.hangup': { target: 'attemptOver', actions: ['recordTime', hangupCause] },
        'esl.connection.lost': 'attemptOver',
      },
    },
    /** Hung up mid-fax: spandsp's result (code 49) normally follows. */
    awaitingResult: {
      after: { resultGrace: 'attemptOver' },
      on: {
        'esl.fax.result': {
          target: 'attemptOver',
          actions: ['recordTime', { type: 'updateCall', params: ({ event }) => ({ result: { success: event.success, code: event.code, text: event.text, pages: event.pages } }) }],
        },
      },
    },
    /**
     * The event socket was lost mid-call, or faxengine restarted during one: the runtime asks
     * FreeSWITCH whether the call still exists and follows it again if so.
     */
    detached: {
      on: {
        'call.alive': [
          { guard: 'answered', target: 'sending' },
          // Answered while nobody listened: FreeSWITCH says so (the stored events do not).
          { guard: ({ event }) => event.answered, target: 'sending', actions: answered(({ event }) => event.at) },
          { target: 'dialing' },
        ],
        // Gone while we were not listening, and FreeSWITCH recorded how it ended: the attempt ends
        // with that, as if its events had been heard (sent, or failed and retried by the policy).
        'call.gone': [
          {
            guard: ({ context, event }) => event.outcome !== undefined && event.outcome.answered && !context.call?.answered,
            target: 'attemptOver',
            actions: [
              'recordTime',
              ...answered(({ event }) => (event.type === 'call.gone' && event.outcome?.answeredAt) || event.at),
              { type: 'updateCall', params: ({ event }) => recordedProgress(event.outcome!) },
            ],
          },
          {
            guard: ({ event }) => event.outcome !== undefined,
            target: 'attemptOver',
            actions: ['recordTime', { type: 'updateCall', params: ({ event }) => recordedProgress(event.outcome!) }],
          },
          // No record (FreeSWITCH restarted too): it may have been answered and sent. Never send twice silently.
          {
            target: 'failed',
            actions: ['recordTime', 'releaseChannel', fax(({ context }) => interruptedAttemptEvent(context)), fax(({ context }) => interruptedFailedEvent(context))],
          },
        ],
        'fax.cancel': { actions: ['recordTime', 'markCancelRequested', 'hangupCall'] },
      },
    },
    attemptOver: {
      entry: ['decide', 'releaseChannel'],
      always: [
        { guard: { type: 'decided', params: 'done' }, target: 'sent', actions: fax(({ context }) => sentEvent(context)) },
        { guard: 'cancelled', target: 'cancelled', actions: fax(({ context }) => cancelledEvent(context, 'call', context.cancelledBy)) },
        { guard: { type: 'decided', params: 'giveUp' }, target: 'failed', actions: [fax(({ context }) => attemptFailedEvent(context)), fax(({ context }) => failedEvent(context))] },
        { guard: { type: 'decided', params: 'nextGatewayNow' }, target: 'waitingForChannel', actions: [fax(({ context }) => attemptFailedEvent(context)), 'advance'] },
        { target: 'waitingToRetry', actions: [fax(({ context }) => attemptFailedEvent(context)), 'advance', fax(({ context }) => retryScheduledEvent(context))] },
      ],
    },
    sent: { type: 'final' },
    failed: { type: 'final' },
    cancelled: { type: 'final' },
  },
});
