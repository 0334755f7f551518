import type { AttemptRecord, CallProgress } from '../domain/outbound/outboundFaxContext.js';
import type { FaxDocumentPreparedData, FaxQueuedData } from '../domain/outbound/outboundFaxEvents.js';
import type { T38Status } from '../domain/fax/inboundFaxEvents.js';
import type { SendOutcomeClass } from '../domain/outbound/outcomeClassification.js';
import type { SendState, TransportSettings } from '../domain/outbound/sendState.js';
import type { RecordedEvent } from '../ports/eventStore.js';

/** Where an outbound fax stands, folded from its stream: enough to restart its actor. */
export interface OutboundFaxRecord {
  queued: FaxQueuedData;
  document?: FaxDocumentPreparedData;
  /** Revision of the stream's last event (the actor's appender continues from it). */
  revision: number;
  finished: boolean;
  attempts: number;
  gateway?: string;
  transport?: TransportSettings;
  cooldowns: Record<string, number>;
  history: SendOutcomeClass[];
  attemptLog: AttemptRecord[];
  retryAt?: number;
  /** The last attempt started and did not end: the call may still be up. */
  inCall?: CallProgress;
}

const terminal = new Set(['FaxSent', 'FaxFailed', 'FaxCancelled']);

/** Folds an outbound fax's events; undefined when the stream is not an outbound fax. */
export function foldOutboundFax(events: readonly RecordedEvent[]): OutboundFaxRecord | undefined {
  const first = events[0];
  if (!first || first.type !== 'FaxQueued') return undefined;
  const record: OutboundFaxRecord = {
    queued: first.data as FaxQueuedData,
    revision: events.at(-1)!.revision,
    finished: false,
    attempts: 0,
    cooldowns: {},
    history: [],
    attemptLog: [],
  };
  for (const event of events) {
    const data = event.data as Record<string, unknown>;
    if (terminal.has(event.type)) record.finished = true;
    switch (event.type) {
      case 'FaxDocumentPrepared':
        record.document = event.data as FaxDocumentPreparedData;
        break;
      case 'FaxSendAttemptStarted':
        record.attempts = data.attempt as number;
        record.gateway = data.gateway as string;
        record.transport = data.transport as TransportSettings;
        record.retryAt = undefined;
        record.inCall = {
          callUuid: data.callUuid as string,
          gateway: data.gateway as string,
          ...(typeof data.node === 'string' ? { node: data.node } : {}),
          startedAt: data.startedAt as string,
          answered: false,
          negotiations: 0,
          pagesSent: 0,
          badRows: 0,
          t38Status: 'off',
          cancelRequested: false,
        };
        break;
      case 'FaxCallAnswered':
        if (record.inCall) record.inCall = { ...record.inCall, answered: true };
        break;
      case 'FaxDialOverridesApplied':
        if (record.inCall) record.inCall = { ...record.inCall, transport: data.transport as TransportSettings };
        break;
      case 'FaxNegotiated':
        // Everything the live actor kept from the negotiation, so FaxSent after a restart tells the same.
        if (record.inCall) {
          record.inCall = {
            ...record.inCall,
            negotiations: record.inCall.negotiations + 1,
            t38Status: data.t38Status as T38Status,
            transferRate: data.transferRate as number,
            ecmUsed: data.ecm as boolean,
            ...(data.remoteIdent ? { remoteIdent: data.remoteIdent as string } : {}),
          };
        }
        break;
      case 'FaxPageTransferred':
        if (record.inCall) record.inCall = { ...record.inCall, pagesSent: data.page as number, badRows: record.inCall.badRows + ((data.badRows as number) ?? 0) };
        break;
      case 'FaxSendAttemptFailed': {
        const node = record.inCall?.node;
        record.inCall = undefined;
        record.history.push(data.outcomeClass as SendOutcomeClass);
        record.attemptLog.push({ attempt: data.attempt as number, gateway: data.gateway as string, ...(node === undefined ? {} : { node }), outcome: data.reason as string });
        break;
      }
      case 'FaxRetryScheduled':
        record.retryAt = Date.parse(data.retryAt as string);
        record.gateway = data.gateway as string;
        record.transport = data.transport as TransportSettings;
        record.cooldowns = (data.cooldowns as Record<string, number>) ?? {};
        break;
    }
  }
  return record;
}

/** The send state the restored actor starts from. */
export function restoredSendState(record: OutboundFaxRecord, gateways: readonly string[], initialTransport: TransportSettings): SendState {
  const gateway = record.gateway;
  const index = gateway === undefined ? 0 : Math.max(0, gateways.indexOf(gateway));
  // The attempt restarted from a retry is the next one; an attempt still in a call is the current one.
  const attempts = record.inCall ? record.attempts : record.attempts + 1;
  return {
    attempts: Math.max(1, attempts),
    gateways: gateway !== undefined && !gateways.includes(gateway) ? [gateway, ...gateways] : gateways,
    gatewayIndex: gateway !== undefined && !gateways.includes(gateway) ? 0 : index,
    cooldowns: record.cooldowns,
    transport: record.transport ?? initialTransport,
    history: record.history,
  };
}
