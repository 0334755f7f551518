import type { FaxReadEvent } from '../src/domain/fax/faxReadEvents.js';
import type { InboundFaxEvent } from '../src/domain/fax/inboundFaxEvents.js';
import type { FaxQueuedData } from '../src/domain/outbound/outboundFaxEvents.js';
import { put, type DocumentProjection, type DocumentView, type ProjectedEvent } from './documentProjection.js';
import type { FaxView } from '../src/domain/fax/faxView.js';
import { outboundHandlers, queuedView } from './outboundFaxView.js';
import { purgedFaxView } from './purgedFaxView.js';
import type { FaxPurgedData } from '../src/domain/fax/purgeEvents.js';

export { faxStatuses, type FaxStatus, type FaxView, type OutboundProgress } from '../src/domain/fax/faxView.js';

export const faxCollections = { faxes: 'faxes' } as const;

type Data<T extends InboundFaxEvent['type']> = Extract<InboundFaxEvent, { type: T }>['data'];
const handlers: { [T in InboundFaxEvent['type']]: (fax: FaxView, data: Data<T>) => Partial<FaxView> } = {
  FaxCallOffered: () => ({}),
  FaxCallRejected: (_, data) => ({ status: 'rejected', ended: true, result: { code: data.sipCode, text: data.detail, reasonClass: data.reason } }),
  FaxCallAnswered: (_, data) => ({ status: 'receiving', tenantId: data.tenantId, to: data.recipient }),
  FaxNegotiated: (fax, data) => ({
    negotiations: fax.negotiations + 1,
    t38Status: data.t38Status,
    transferRate: data.transferRate,
    remoteIdent: data.remoteIdent ?? fax.remoteIdent,
  }),
  FaxPageTransferred: (_, data) => ({ pages: data.page }),
  FaxReceived: (_, data) => ({
    status: 'received',
    pages: data.pages,
    documentId: data.documentId,
    result: { code: data.resultCode, text: data.resultText, reasonClass: 'success' },
    t38Status: data.t38Status,
  }),
  FaxReceiveFailed: (_, data) => ({
    status: 'failed',
    pages: data.pagesReceived,
    documentId: data.documentId ?? null,
    partial: data.partial,
    result: { code: data.resultCode, text: data.resultText, reasonClass: data.reasonClass },
    t38Status: data.t38Status,
    hangupCause: data.hangupCause ?? null,
  }),
  FaxReceiveInterrupted: (_, data) => ({
    status: 'interrupted',
    pages: data.pagesReceived,
    documentId: data.documentId ?? null,
    partial: data.documentId !== undefined,
  }),
  FaxBridged: (_, data) => ({
    status: data.success ? 'bridged' : 'failed',
    tenantId: data.tenantId,
    to: data.recipient,
    hangupCause: data.hangupCause,
    result: { code: data.success ? 0 : -1, text: `bridged to ${data.gateway}: ${data.hangupCause}`, reasonClass: data.success ? 'success' : 'bridge_failed' },
  }),
  FaxRouted: (_, data) => ({ deliveries: data.deliveries.length }),
  FaxCallEnded: (_, data) => ({ ended: true, hangupCause: data.hangupCause }),
};

// Only received faxes are marked (faxReadMarks.ts refuses the others); the fold follows the events either way.
const readHandlers: Record<FaxReadEvent['type'], () => Partial<FaxView>> = {
  FaxMarkedRead: () => ({ read: true }),
  FaxMarkedUnread: () => ({ read: false }),
};

/** The fax read model: one document per fax, folded from its `fax-<id>` stream. */
export const faxProjection: DocumentProjection = {
  name: 'faxes',
  handles: [...new Set([...Object.keys(handlers), ...Object.keys(outboundHandlers), ...Object.keys(readHandlers), 'FaxQueued', 'FaxPurged'])],
  init: () => [],
  historyCollections: [faxCollections.faxes],
  evolve(view: DocumentView, event: ProjectedEvent) {
    const data = event.data as { faxId: string };
    const at = event.created;
    const current =
      view.get<FaxView>(faxCollections.faxes, data.faxId) ??
      (event.type === 'FaxCallOffered' ? offered(event.data as Data<'FaxCallOffered'>) : undefined) ??
      (event.type === 'FaxQueued' ? queuedView(event.data as FaxQueuedData, at) : undefined);
    if (!current) return [];
    // Purged for good: an event after the purge (none is expected) must not bring anything back.
    if (event.type === 'FaxPurged') return [put(faxCollections.faxes, data.faxId, { ...purgedFaxView(current, event.data as FaxPurgedData), updatedAt: at || current.updatedAt })];
    if (current.purged) return [];
    const handler =
      event.type in readHandlers
        ? readHandlers[event.type as FaxReadEvent['type']]
        : current.direction === 'outbound'
        ? (outboundHandlers[event.type] ?? (() => ({})))
        : ((handlers[event.type as InboundFaxEvent['type']] ?? (() => ({}))) as (fax: FaxView, data: unknown) => Partial<FaxView>);
    return [put(faxCollections.faxes, data.faxId, { ...current, ...handler(current, event.data as Record<string, unknown>), updatedAt: at || current.updatedAt })];
  },
};

function offered(data: Data<'FaxCallOffered'>): FaxView {
  return newFaxView({ faxId: data.faxId, direction: 'inbound', tenantId: null, status: 'offered', callUuid: data.callUuid, from: data.callerNumber, to: data.toUser ?? '', createdAt: data.offeredAt, callerName: data.callerName ?? null });
}

/** A fax's view before anything happened to it: what differs by direction is given. */
export function newFaxView(fields: Pick<FaxView, 'faxId' | 'direction' | 'tenantId' | 'status' | 'callUuid' | 'from' | 'to' | 'createdAt'> & Partial<FaxView>): FaxView {
  return {
    ended: false,
    pages: 0,
    documentId: null,
    partial: false,
    result: null,
    t38Status: null,
    transferRate: null,
    remoteIdent: null,
    callerName: null,
    read: false,
    negotiations: 0,
    hangupCause: null,
    deliveries: null,
    updatedAt: fields.createdAt,
    ...fields,
  };
}
