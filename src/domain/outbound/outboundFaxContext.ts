import type { T38Status } from '../fax/inboundFaxEvents.js';
import { transportWithOverrides } from './dialOverrides.js';
import { classifyAttemptOutcome, describeOutcome, type ClassifiedOutcome } from './outcomeClassification.js';
import type { NextStep } from './retryDecision.js';
import type { SendPolicy } from './sendPolicy.js';
import type { SendState, TransportSettings } from './sendState.js';

/** What the outbound fax actor starts from: the queued fax, or (after a restart) where it was. */
export interface OutboundFaxInput {
  faxId: string;
  tenantId: string;
  /** E.164 destination, dialled as is. */
  to: string;
  from: string;
  /** The prepared TIFF's document id: the runtime gives each call a plain copy FreeSWITCH reads (the name is older than encryption at rest). */
  tiffPath: string;
  pages: number;
  /** Channel variables every attempt gets (ident, header, caller ID); transport ones are added per attempt. */
  baseVariables: Record<string, string>;
  policy: SendPolicy;
  /**
   * Whether faxengine itself asks for T.38 (re-INVITE) whenever an attempt may use it: the
   * `fax.t38.<role>.request` setting of the gateways the fax goes through. Absent: it asks.
   */
  t38Request?: boolean;
  /** The attempt to make next: the first, or the one a restored fax was waiting for. */
  next: SendState;
  /** Set when a restored fax was waiting to retry: absolute epoch ms. */
  retryAt?: number;
  /** Set when a restored fax was in a call when faxengine stopped: it starts detached from it. */
  inCall?: CallProgress;
  /** Attempt outcomes so far (for a restored fax), oldest first. */
  attemptLog: AttemptRecord[];
  /** Epoch ms when the actor starts. */
  now: number;
}

export interface AttemptRecord {
  attempt: number;
  gateway: string;
  /** The FreeSWITCH node the attempt's call went through (absent in events recorded before nodes). */
  node?: string;
  outcome: string;
}

/** What the current attempt has seen so far. */
export interface CallProgress {
  callUuid: string;
  gateway: string;
  /** The FreeSWITCH node that has the call: reconciliation asks it (absent in events recorded before nodes). */
  node?: string;
  startedAt: string;
  answered: boolean;
  negotiations: number;
  pagesSent: number;
  badRows: number;
  t38Status: T38Status;
  ecmUsed?: boolean;
  transferRate?: number;
  remoteIdent?: string;
  /** What the call was really dialled with, when per-destination overrides changed the policy's choice. */
  transport?: TransportSettings;
  result?: { success: boolean; code: number; text: string; pages: number };
  hangupCause?: string;
  /** The SIP status and disposition that ended the call, as FreeSWITCH reported them. */
  sipStatus?: number;
  sipDisposition?: string;
  /** We asked for the call to end (cancel). */
  cancelRequested: boolean;
  /** Answered and then lost without an outcome (socket lost, faxengine restarted). */
  interrupted?: boolean;
}

export interface OutboundFaxContext extends OutboundFaxInput {
  send: SendState;
  call?: CallProgress;
  decision?: NextStep;
  outcome?: ClassifiedOutcome;
  /** Who asked to cancel during a call (the call's end completes the cancel). */
  cancelledBy?: unknown;
}

/** The channel variables of one attempt: the fax's own plus what the transport settings say. */
export function attemptVariables(context: OutboundFaxContext): Record<string, string> {
  const transport: TransportSettings = context.send.transport;
  return {
    ...context.baseVariables,
    fax_use_ecm: String(transport.ecm),
    fax_disable_v17: String(!transport.v17),
    fax_enable_t38: String(transport.t38),
    // T.38 off (by the gateway's setting, the station fallback or a degraded retry) asks for nothing.
    fax_enable_t38_request: String(transport.t38 && context.t38Request !== false),
    fax_verbose: 'true',
    ignore_early_media: 'true',
  };
}

/** The transport the current call was dialled with: the policy's, unless overrides replaced it. */
export const dialledTransport = (context: OutboundFaxContext): TransportSettings => context.call?.transport ?? context.send.transport;

export const currentGateway = (context: OutboundFaxContext): string =>
  context.send.gateways[context.send.gatewayIndex] ?? context.send.gateways[0] ?? '';

/** Classifies the attempt that just ended from what its call showed. */
export function classifyCall(context: OutboundFaxContext): ClassifiedOutcome {
  const call = context.call!;
  return classifyAttemptOutcome({
    answered: call.answered,
    cancelRequested: call.cancelRequested,
    ...(call.hangupCause ? { hangupCause: call.hangupCause } : {}),
    ...(call.sipStatus === undefined ? {} : { sipStatus: call.sipStatus }),
    ...(call.sipDisposition === undefined ? {} : { sipDisposition: call.sipDisposition }),
    ...(call.result
      ? {
          t30: {
            resultCode: call.result.code,
            success: call.result.success,
            pagesSent: Math.max(call.result.pages, call.pagesSent),
            totalPages: context.pages,
            t38Used: call.t38Status === 'negotiated' || call.t38Status === 'requested',
            negotiations: call.negotiations,
            badRows: call.badRows,
            ...(call.ecmUsed === undefined ? {} : { ecmUsed: call.ecmUsed }),
          },
        }
      : {}),
  });
}

export const outcomeText = (outcome: ClassifiedOutcome): string => describeOutcome(outcome);

/** A domain event the actor emits; the runtime appends it to the fax's stream. */
export interface OutboundFaxEmitted {
  type: string;
  data: Record<string, unknown>;
}

const progress = (context: OutboundFaxContext): CallProgress => context.call!;
const iso = (epochMs: number) => new Date(epochMs).toISOString();

export function attemptStartedEvent(context: OutboundFaxContext): OutboundFaxEmitted {
  const call = progress(context);
  return {
    type: 'FaxSendAttemptStarted',
    data: {
      faxId: context.faxId,
      attempt: context.send.attempts,
      gateway: call.gateway,
      ...(call.node === undefined ? {} : { node: call.node }),
      callUuid: call.callUuid,
      to: context.to,
      transport: context.send.transport,
      startedAt: call.startedAt,
    },
  };
}

/**
 * Per-destination overrides replaced some of the attempt's variables just before its originate:
 * records them and the transport the call really goes out with (FaxSendAttemptStarted, stored
 * before the overrides were read, holds the policy's).
 */
export function overridesAppliedEvent(context: OutboundFaxContext, overrides: Readonly<Record<string, string>>): OutboundFaxEmitted {
  const call = progress(context);
  return {
    type: 'FaxDialOverridesApplied',
    data: { faxId: context.faxId, attempt: context.send.attempts, callUuid: call.callUuid, overrides: { ...overrides }, transport: transportWithOverrides(context.send.transport, overrides) },
  };
}

export function answeredEvent(context: OutboundFaxContext, at: string): OutboundFaxEmitted {
  const call = progress(context);
  return { type: 'FaxCallAnswered', data: { faxId: context.faxId, direction: 'outbound', callUuid: call.callUuid, gateway: call.gateway, answeredAt: at } };
}

export function negotiatedEvent(
  context: OutboundFaxContext,
  signal: { transferRate: number; ecm: boolean; t38Status: T38Status; remoteIdent?: string; localIdent?: string },
): OutboundFaxEmitted {
  const call = progress(context);
  return {
    type: 'FaxNegotiated',
    data: {
      faxId: context.faxId,
      callUuid: call.callUuid,
      negotiation: call.negotiations,
      transferRate: signal.transferRate,
      ecm: signal.ecm,
      t38Status: signal.t38Status,
      ...(signal.remoteIdent ? { remoteIdent: signal.remoteIdent } : {}),
      ...(signal.localIdent ? { localIdent: signal.localIdent } : {}),
    },
  };
}

export function pageEvent(
  context: OutboundFaxContext,
  signal: { page: number; resolution: string; badRows: number; longestBadRowRun: number; encoding: string; imageBytes: number },
): OutboundFaxEmitted {
  return {
    type: 'FaxPageTransferred',
    data: {
      faxId: context.faxId,
      callUuid: progress(context).callUuid,
      page: signal.page,
      totalPages: context.pages,
      resolution: signal.resolution,
      badRows: signal.badRows,
      longestBadRowRun: signal.longestBadRowRun,
      encoding: signal.encoding,
      imageBytes: signal.imageBytes,
    },
  };
}

export function attemptFailedEvent(context: OutboundFaxContext): OutboundFaxEmitted {
  const call = progress(context);
  const outcome = context.outcome!;
  const decision = context.decision!;
  return {
    type: 'FaxSendAttemptFailed',
    data: {
      faxId: context.faxId,
      attempt: context.send.attempts,
      gateway: call.gateway,
      callUuid: call.callUuid,
      outcomeClass: outcome.outcomeClass,
      reason: outcomeText(outcome),
      answered: call.answered,
      pagesSent: Math.max(call.pagesSent, call.result?.pages ?? 0),
      ...(call.hangupCause ? { hangupCause: call.hangupCause } : {}),
      ...(call.sipStatus === undefined ? {} : { sipStatus: call.sipStatus }),
      ...(call.sipDisposition === undefined ? {} : { sipDisposition: call.sipDisposition }),
      ...(call.result ? { t30Code: call.result.code, t30Text: call.result.text } : {}),
      to: context.to,
      t38Enabled: dialledTransport(context).t38,
      t38Status: call.t38Status,
      negotiations: call.negotiations,
      badRows: call.badRows,
      t38Trouble: outcome.t38Trouble,
      recordStationT38Trouble: 'recordStationT38Trouble' in decision && decision.recordStationT38Trouble,
    },
  };
}

/** Emitted after `advance`: the context already holds the next attempt's state. */
export function retryScheduledEvent(context: OutboundFaxContext): OutboundFaxEmitted {
  return {
    type: 'FaxRetryScheduled',
    data: {
      faxId: context.faxId,
      nextAttempt: context.send.attempts,
      retryAt: iso(context.retryAt!),
      gateway: currentGateway(context),
      transport: context.send.transport,
      cooldowns: context.send.cooldowns,
      history: context.send.history,
    },
  };
}

export function sentEvent(context: OutboundFaxContext): OutboundFaxEmitted {
  const call = progress(context);
  return {
    type: 'FaxSent',
    data: {
      ...faxResult(context),
      gateway: call.gateway,
      callUuid: call.callUuid,
      transferRate: call.transferRate ?? 0,
      t38Enabled: dialledTransport(context).t38,
      t38Status: call.t38Status,
      negotiations: call.negotiations,
      ...(call.ecmUsed === undefined ? {} : { ecmUsed: call.ecmUsed }),
      ...(call.remoteIdent ? { remoteIdent: call.remoteIdent } : {}),
      sentAt: iso(context.now),
      attemptLog: context.attemptLog,
    },
  };
}

/** The fax and its result, as FaxSent/FaxFailed carry them for notifiers and downstream consumers. */
const faxResult = (context: OutboundFaxContext) => ({
  faxId: context.faxId,
  tenantId: context.tenantId,
  to: context.to,
  from: context.from,
  pages: context.pages,
  attempts: context.send.attempts,
});

export function failedEvent(context: OutboundFaxContext): OutboundFaxEmitted {
  const decision = context.decision as Extract<NextStep, { kind: 'giveUp' }>;
  return {
    type: 'FaxFailed',
    data: { ...faxResult(context), outcomeClass: decision.outcomeClass, maybeSent: false, reason: decision.reason, attemptLog: context.attemptLog },
  };
}

/** The attempt's call was lost without an outcome (socket lost, faxengine restarted). */
export function interruptedAttemptEvent(context: OutboundFaxContext): OutboundFaxEmitted {
  const call = progress(context);
  return {
    type: 'FaxSendAttemptInterrupted',
    data: {
      faxId: context.faxId,
      attempt: context.send.attempts,
      gateway: call.gateway,
      callUuid: call.callUuid,
      pagesSent: call.pagesSent,
      reason: `faxengine lost track of the call (${call.answered ? 'answered' : 'not yet answered'}, ${call.pagesSent} page(s) confirmed); the fax may or may not have arrived`,
    },
  };
}

/** Ends a fax whose call was lost: it may have arrived, so it is never retried silently. */
export function interruptedFailedEvent(context: OutboundFaxContext): OutboundFaxEmitted {
  const attempts = context.send.attempts;
  return {
    type: 'FaxFailed',
    data: {
      ...faxResult(context),
      outcomeClass: 'interrupted',
      maybeSent: true,
      reason: `outcome unknown after ${attempts} attempt(s): faxengine lost track of the call; not retried so that the fax is never sent twice — check with the recipient`,
      attemptLog: [...context.attemptLog, { attempt: attempts, gateway: progress(context).gateway, ...(progress(context).node === undefined ? {} : { node: progress(context).node }), outcome: 'interrupted (maybe sent)' }],
    },
  };
}

export function cancelledEvent(context: OutboundFaxContext, during: 'queued' | 'waiting' | 'call', by: unknown): OutboundFaxEmitted {
  return {
    type: 'FaxCancelled',
    data: {
      faxId: context.faxId,
      tenantId: context.tenantId,
      during,
      by,
      attempts: during === 'call' ? context.send.attempts : context.send.attempts - 1,
      cancelledAt: iso(context.now),
    },
  };
}
