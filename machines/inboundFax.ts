import { assign, emit, fromPromise, setup } from 'xstate';
import type { EslSignal } from '../src/domain/fax/faxSignals.js';
import {
  answeredEvent,
  bridgedEvent,
  droppedResult as dropped,
  endedEvent,
  failedEvent,
  interruptedEvent,
  negotiatedEvent,
  offeredEvent,
  pageEvent,
  receivedEvent,
  rejectedEvent,
  resultOf,
  type InboundFaxContext,
  type InboundFaxInput,
} from '../src/domain/fax/inboundFaxContext.js';
import type { CallOffer, InboundFaxEvent } from '../src/domain/fax/inboundFaxEvents.js';
import type { AcceptedCall, BridgedCall, RejectedCall, ScreeningDecision } from '../src/domain/fax/inboundScreening.js';

export type { InboundFaxContext, InboundFaxInput };

/** How long after a hang-up spandsp's result event may still arrive (code 49 comes after CHANNEL_HANGUP). */
export const RESULT_AFTER_HANGUP_GRACE_MS = 5000;
/** setTimeout's longest delay: the no-fax-tone timer is never armed beyond it (and not at all without a limit). */
const LONGEST_TIMER_MS = 2 ** 31 - 1;
const SCREENING_FAILED: RejectedCall = { kind: 'reject', sipCode: 404, reason: 'unknown_number', detail: 'screening failed' };
const lost = (at: string) => ({ cause: 'CONNECTION_LOST', at });

/**
 * One inbound fax call: screen the caller and the dialled number before answering (rejecting with
 * 403/404 without answering), answer with the number's fax settings, follow the spandsp events,
 * keep the document (partial ones too), and end once the call has hung up. Effects are provided
 * by the runtime: `screenCall` and `storeDocument` (actors), `respond`, `startReceiving` and `hangUp`
 * (actions). Without a negotiation within `noFaxToneTimeoutMs` of the answer, the machine hangs up.
 */
export const inboundFaxMachine = setup({
  types: {
    context: {} as InboundFaxContext,
    input: {} as InboundFaxInput,
    events: {} as EslSignal,
    emitted: {} as InboundFaxEvent,
  },
  actors: {
    screenCall: fromPromise<ScreeningDecision, CallOffer>(async () => {
      throw new Error('screenCall not provided');
    }),
    storeDocument: fromPromise<{ documentId: string }, { spoolPath: string; faxId: string }>(async () => {
      throw new Error('storeDocument not provided');
    }),
  },
  actions: {
    respond: (_, _params: { sipCode: number }) => {},
    /** Ends the call now, whatever application runs (rxfax facing silence never returns on its own). */
    hangUp: () => {},
    startReceiving: (_, _params: { call: AcceptedCall }) => {},
    startBridge: (_, _params: { bridge: BridgedCall }) => {},
    emitBridged: emit(({ context }) => bridgedEvent(context)),
    recordHangup: assign({
      hangupCause: (_, params: { cause: string; at: string }) => params.cause,
      endedAt: (_, params: { cause: string; at: string }) => params.at,
    }),
    emitReceived: emit(({ context }) => receivedEvent(context)),
    emitInterrupted: emit(({ context }) => interruptedEvent(context)),
    emitFailed: emit(({ context }) => failedEvent(context)),
  },
  guards: {
    hungUp: ({ context }) => context.hangupCause !== undefined,
    gotPages: ({ context }) => Math.max(context.result?.pages ?? 0, context.pages) > 0,
    succeeded: ({ context }) => context.result?.success === true,
    noFaxToneYet: ({ context }) => context.noFaxToneTimeoutMs !== undefined && context.negotiations === 0,
  },
  delays: {
    resultGrace: RESULT_AFTER_HANGUP_GRACE_MS,
    noFaxTone: ({ context }) => Math.min(context.noFaxToneTimeoutMs ?? LONGEST_TIMER_MS, LONGEST_TIMER_MS),
  },
}).createMachine({
  id: 'inboundFax',
  context: ({ input }) => ({ ...input, negotiations: 0, pages: 0, badRows: 0, t38Status: 'off', transferRate: 0 }),
  initial: 'screening',
  entry: emit(({ context }) => offeredEvent(context)),
  on: {
    'esl.channel.hangup': { actions: { type: 'recordHangup', params: ({ event }) => event } },
  },
  states: {
    screening: {
      invoke: {
        src: 'screenCall',
        input: ({ context }) => context.offer,
        onDone: {
          target: 'deciding',
          actions: assign(({ event }) => {
            const decision = event.output;
            return decision.kind === 'reject' ? { rejection: decision } : decision.kind === 'bridge' ? { bridge: decision } : { call: decision };
          }),
        },
        onError: { target: 'rejected', actions: assign({ rejection: SCREENING_FAILED }) },
      },
    },
    deciding: {
      always: [
        { guard: ({ context }) => context.rejection !== undefined, target: 'rejected' },
        { guard: ({ context }) => context.bridge !== undefined, target: 'bridging' },
        { target: 'answering' },
      ],
    },
    bridging: {
      // No fax engine of ours runs: FreeSWITCH relays the call to the PBX (t38_gateway on re-INVITE).
      entry: { type: 'startBridge', params: ({ context }) => ({ bridge: context.bridge! }) },
      on: {
        'esl.channel.answered': { actions: assign({ bridgeAnsweredAt: ({ event }) => event.at }) },
        'esl.channel.hangup': { target: 'done', actions: [{ type: 'recordHangup', params: ({ event }) => event }, 'emitBridged'] },
        'esl.connection.lost': { target: 'done', actions: [{ type: 'recordHangup', params: ({ event }) => lost(event.at) }, 'emitBridged'] },
      },
    },
    rejected: {
      type: 'final',
      entry: [
        emit(({ context }) => rejectedEvent(context)),
        { type: 'respond', params: ({ context }) => ({ sipCode: context.rejection!.sipCode }) },
      ],
    },
    answering: {
      entry: { type: 'startReceiving', params: ({ context }) => ({ call: context.call! }) },
      on: {
        'esl.channel.answered': {
          target: 'receiving',
          actions: emit(({ context, event }) => answeredEvent(context, event)),
        },
        // The caller gave up before we answered: nothing was received.
        'esl.channel.hangup': {
          target: 'finishing',
          actions: [
            { type: 'recordHangup', params: ({ event }: { event: { cause: string; at: string } }) => event },
            assign({ result: ({ event }) => dropped(event.at) }),
            'emitFailed',
          ],
        },
        'esl.connection.lost': { target: 'interrupted', actions: { type: 'recordHangup', params: ({ event }) => lost(event.at) } },
      },
    },
    receiving: {
      // A caller that never sends fax tones (no negotiation) holds the channel for ever: rxfax does
      // not give up on silence. Hang up; the hang-up and spandsp's code-49 result end it as usual.
      after: { noFaxTone: { guard: 'noFaxToneYet', actions: [assign({ noFaxToneHungUp: true }), 'hangUp'] } },
      on: {
        'esl.fax.negotiated': {
          actions: [
            assign({
              negotiations: ({ context }) => context.negotiations + 1,
              t38Status: ({ event }) => event.t38Status,
              transferRate: ({ event }) => event.transferRate,
              remoteIdent: ({ context, event }) => event.remoteIdent ?? context.remoteIdent,
            }),
            emit(({ context, event }) => negotiatedEvent(context, event)),
          ],
        },
        'esl.fax.page': {
          actions: [
            assign({ pages: ({ event }) => event.page, badRows: ({ context, event }) => context.badRows + event.badRows }),
            emit(({ context, event }) => pageEvent(context, event)),
          ],
        },
        'esl.fax.result': {
          target: 'settling',
          actions: assign({
            result: ({ event }) => resultOf(event),
            t38Status: ({ event }) => event.t38Status,
            transferRate: ({ context, event }) => event.transferRate || context.transferRate,
            remoteIdent: ({ context, event }) => event.remoteIdent ?? context.remoteIdent,
          }),
        },
        'esl.channel.hangup': { target: 'awaitingResult', actions: { type: 'recordHangup', params: ({ event }) => event } },
        'esl.connection.lost': { target: 'interrupted', actions: { type: 'recordHangup', params: ({ event }) => lost(event.at) } },
      },
    },
    awaitingResult: {
      // spandsp reports a mid-fax drop (code 49) only after CHANNEL_HANGUP; give it a moment.
      after: { resultGrace: { target: 'settling', actions: assign({ result: ({ context }) => dropped(context.endedAt ?? context.offeredAt) }) } },
      on: {
        'esl.fax.result': { target: 'settling', actions: assign({ result: ({ event }) => resultOf(event), t38Status: ({ event }) => event.t38Status }) },
        'esl.connection.lost': { target: 'interrupted', actions: { type: 'recordHangup', params: ({ event }) => lost(event.at) } },
      },
    },
    settling: {
      always: [{ guard: 'gotPages', target: 'storing' }, { target: 'finishing', actions: 'emitFailed' }],
    },
    storing: {
      invoke: {
        src: 'storeDocument',
        input: ({ context }) => ({ spoolPath: context.call!.spoolPath, faxId: context.faxId }),
        onDone: [
          { guard: 'succeeded', target: 'finishing', actions: [assign({ documentId: ({ event }) => event.output.documentId }), 'emitReceived'] },
          { target: 'finishing', actions: [assign({ documentId: ({ event }) => event.output.documentId }), 'emitFailed'] },
        ],
        onError: { target: 'finishing', actions: [assign({ storageFailed: true }), 'emitFailed'] },
      },
    },
    interrupted: {
      // Keep whatever pages were written; the runtime has checked that the call is gone.
      invoke: {
        src: 'storeDocument',
        input: ({ context }) => ({ spoolPath: context.call!.spoolPath, faxId: context.faxId }),
        onDone: { target: 'done', actions: [assign({ documentId: ({ event }) => event.output.documentId }), 'emitInterrupted'] },
        onError: { target: 'done', actions: 'emitInterrupted' },
      },
    },
    finishing: {
      always: { guard: 'hungUp', target: 'done' },
      on: {
        'esl.connection.lost': { target: 'done', actions: { type: 'recordHangup', params: ({ event }) => lost(event.at) } },
      },
    },
    done: {
      type: 'final',
      entry: emit(({ context }) => endedEvent(context)),
    },
  },
});
