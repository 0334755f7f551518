import type { EslSignal } from './faxSignals.js';
import type { CallOffer, InboundFaxEvent, T38Status } from './inboundFaxEvents.js';
import type { AcceptedCall, BridgedCall, RejectedCall } from './inboundScreening.js';
import { classifyT30Result, t30Text } from './t30Results.js';

/** What an inbound fax actor knows, and the pure builders of the events it emits from that. */
export interface InboundFaxInput {
  faxId: string;
  offer: CallOffer;
  offeredAt: string;
  /** Hang up when no fax negotiation has happened this long after the answer (absent: no limit). */
  noFaxToneTimeoutMs?: number;
}

export interface FaxResult {
  success: boolean;
  code: number;
  text: string;
  pages: number;
  at: string;
}

export interface InboundFaxContext extends InboundFaxInput {
  call?: AcceptedCall;
  rejection?: RejectedCall;
  bridge?: BridgedCall;
  bridgeAnsweredAt?: string;
  negotiations: number;
  pages: number;
  badRows: number;
  t38Status: T38Status;
  transferRate: number;
  remoteIdent?: string;
  result?: FaxResult;
  hangupCause?: string;
  endedAt?: string;
  documentId?: string;
  /** The fax arrived but its document could not be kept (the spool file stays). */
  storageFailed?: boolean;
  /** We hung up: no fax tones (negotiation) within `noFaxToneTimeoutMs` of the answer. */
  noFaxToneHungUp?: boolean;
}

type Event<T extends InboundFaxEvent['type']> = Extract<InboundFaxEvent, { type: T }>;
type Signal<T extends EslSignal['type']> = Extract<EslSignal, { type: T }>;

const CALL_DROPPED = 49;
const ids = (context: InboundFaxContext) => ({ faxId: context.faxId, callUuid: context.offer.callUuid });
const optional = <K extends string>(key: K, value: string | undefined) => (value ? ({ [key]: value } as Record<K, string>) : {});

/** The result spandsp would report for a call that dropped before a fax result (code 49). */
export const droppedResult = (at: string): FaxResult => ({ success: false, code: CALL_DROPPED, text: t30Text(CALL_DROPPED), pages: 0, at });

export const resultOf = (signal: Signal<'esl.fax.result'>): FaxResult => ({
  success: signal.success,
  code: signal.code,
  text: signal.text,
  pages: signal.pages,
  at: signal.at,
});

export const offeredEvent = (context: InboundFaxContext): Event<'FaxCallOffered'> => ({
  type: 'FaxCallOffered',
  data: { ...context.offer, faxId: context.faxId, direction: 'inbound', offeredAt: context.offeredAt },
});

export function rejectedEvent(context: InboundFaxContext): Event<'FaxCallRejected'> {
  const { sipCode, reason, detail } = context.rejection!;
  return { type: 'FaxCallRejected', data: { ...ids(context), sipCode, reason, detail } };
}

export function answeredEvent(context: InboundFaxContext, signal: Signal<'esl.channel.answered'>): Event<'FaxCallAnswered'> {
  const call = context.call!;
  return {
    type: 'FaxCallAnswered',
    data: {
      ...ids(context),
      tenantId: call.tenantId,
      recipient: call.recipient,
      ...(call.purpose ? { purpose: call.purpose } : {}),
      ...optional('sender', call.sender),
      sourceGateway: call.sourceGateway,
      t38Enabled: call.t38Enabled,
      t38Requested: call.t38Requested,
      t38Policy: call.t38Policy,
      ...optional('stationIdent', call.stationIdent),
      ...optional('pageHeader', call.pageHeader),
      answeredAt: signal.at,
    },
  };
}

/** Built after the context counted this negotiation. */
export const negotiatedEvent = (context: InboundFaxContext, signal: Signal<'esl.fax.negotiated'>): Event<'FaxNegotiated'> => ({
  type: 'FaxNegotiated',
  data: {
    ...ids(context),
    negotiation: context.negotiations,
    transferRate: signal.transferRate,
    ecm: signal.ecm,
    t38Status: signal.t38Status,
    ...optional('remoteIdent', signal.remoteIdent),
    ...optional('localIdent', signal.localIdent),
  },
});

export const pageEvent = (context: InboundFaxContext, signal: Signal<'esl.fax.page'>): Event<'FaxPageTransferred'> => ({
  type: 'FaxPageTransferred',
  data: {
    ...ids(context),
    page: signal.page,
    resolution: signal.resolution,
    badRows: signal.badRows,
    longestBadRowRun: signal.longestBadRowRun,
    encoding: signal.encoding,
    imageBytes: signal.imageBytes,
  },
});

export function receivedEvent(context: InboundFaxContext): Event<'FaxReceived'> {
  const result = context.result!;
  return {
    type: 'FaxReceived',
    data: {
      ...ids(context),
      tenantId: context.call!.tenantId,
      pages: result.pages,
      documentId: context.documentId!,
      resultCode: result.code,
      resultText: result.text,
      t38Status: context.t38Status,
      transferRate: context.transferRate,
      ...optional('remoteIdent', context.remoteIdent),
      receivedAt: result.at,
    },
  };
}

export function failedEvent(context: InboundFaxContext): Event<'FaxReceiveFailed'> {
  const result = context.result ?? droppedResult(context.endedAt ?? context.offeredAt);
  const pagesReceived = Math.max(result.pages, context.pages);
  return {
    type: 'FaxReceiveFailed',
    data: {
      ...ids(context),
      tenantId: context.call?.tenantId ?? '',
      resultCode: result.code,
      resultText: context.noFaxToneHungUp ? `no fax tones within ${Math.round(context.noFaxToneTimeoutMs! / 1000)} s of answering: hung up` : result.text,
      reasonClass: context.storageFailed
        ? 'storage_failed'
        : context.noFaxToneHungUp
          ? 'no_fax_detected'
          : classifyT30Result(result.code, { pagesTransferred: pagesReceived, negotiations: context.negotiations }),
      ...optional('hangupCause', context.hangupCause),
      pagesReceived,
      ...optional('documentId', context.documentId),
      partial: context.documentId !== undefined,
      t38Status: context.t38Status,
      negotiations: context.negotiations,
      badRows: context.badRows,
      failedAt: result.at,
    },
  };
}

export const interruptedEvent = (context: InboundFaxContext): Event<'FaxReceiveInterrupted'> => ({
  type: 'FaxReceiveInterrupted',
  data: {
    ...ids(context),
    tenantId: context.call!.tenantId,
    reason: 'connection_lost',
    pagesReceived: context.pages,
    ...optional('documentId', context.documentId),
    interruptedAt: context.endedAt!,
  },
});

export function bridgedEvent(context: InboundFaxContext): Event<'FaxBridged'> {
  const bridge = context.bridge!;
  return {
    type: 'FaxBridged',
    data: {
      ...ids(context),
      tenantId: bridge.tenantId,
      recipient: bridge.recipient,
      gateway: bridge.bridgeGateway,
      t38Enabled: bridge.t38Enabled,
      success: context.hangupCause === 'NORMAL_CLEARING' && context.bridgeAnsweredAt !== undefined,
      hangupCause: context.hangupCause ?? 'CONNECTION_LOST',
      ...optional('answeredAt', context.bridgeAnsweredAt),
      endedAt: context.endedAt!,
    },
  };
}

export const endedEvent = (context: InboundFaxContext): Event<'FaxCallEnded'> => ({
  type: 'FaxCallEnded',
  data: { ...ids(context), hangupCause: context.hangupCause!, endedAt: context.endedAt! },
});
