import { z } from '@hono/zod-openapi';
import { faxStreamEventTypes, type FaxStreamEventType } from '../../domain/faxStreamEvents.js';
import type { InboundFaxEvent } from '../../domain/fax/inboundFaxEvents.js';
import type { NotificationEvent } from '../../domain/notifications/notificationEvents.js';
import type { FaxDocumentPreparedData, FaxQueuedData } from '../../domain/outbound/outboundFaxEvents.js';
import type { RecordedEvent } from '../../ports/eventStore.js';

// The `data` of every event a fax's stream can hold, as the domain (src/domain/fax, outbound,
// notifications) and the machines' event builders write it. Objects stay open (a field added later
// is not a contract break); `withData` checks at compile time that a schema keeps every field of
// the domain's type where the domain has one.
type DataOf<E extends { type: string; data: unknown }, T extends E['type']> = Extract<E, { type: T }>['data'];
const withData = <T>() => <S extends z.ZodType<T>>(schema: S): S => schema;

const time = z.string().openapi({ example: '2025-01-31T12:00:00.000Z' });
const faxId = z.string().openapi({ example: '6af6830e-e632-4c1c-8579-c6ac4fbd04f7' });
const callUuid = z.string().openapi({ example: '9c5731a5-9ea7-456d-9c43-99c81b756014' });
const e164 = z.string().openapi({ example: '+15551230000' });
const t38Status = z.enum(['off', 'negotiated', 'requested', 'refused']);
const transport = z.object({ ecm: z.boolean(), v17: z.boolean(), t38: z.boolean() }).openapi({ description: 'ECM, V.17 and T.38 allowed for the attempt' });
const attemptLog = z.array(z.object({ attempt: z.number().int(), gateway: z.string(), outcome: z.string() }));
const outcomeClass = z.string().openapi({ description: 'the attempt outcome class the retry decision is keyed on', example: 'busy' });
const submitter = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), userId: z.string(), username: z.string() }),
  z.object({ kind: z.literal('apiKey'), userId: z.string(), keyId: z.string() }),
  z.object({ kind: z.literal('admin') }),
  z.object({ kind: z.literal('relay') }),
]);

type Inbound<T extends InboundFaxEvent['type']> = DataOf<InboundFaxEvent, T>;
const inbound = {
  FaxCallOffered: withData<Inbound<'FaxCallOffered'>>()(
    z.object({
      faxId,
      direction: z.literal('inbound'),
      callUuid,
      callerNumber: z.string().openapi({ example: '5550001111' }),
      callerName: z.string().optional(),
      toUser: z.string().optional(),
      diversion: z.string().optional(),
      sourceIp: z.string().optional(),
      gatewayName: z.string().optional(),
      node: z.string().optional().openapi({ description: 'the FreeSWITCH node that has the call' }),
      offeredAt: time,
    }),
  ),
  FaxCallRejected: withData<Inbound<'FaxCallRejected'>>()(
    z.object({
      faxId,
      callUuid,
      sipCode: z.union([z.literal(401), z.literal(403), z.literal(404), z.literal(503)]),
      reason: z.enum(['unknown_source', 'unknown_number', 'no_recipient', 'no_route_out']),
      detail: z.string(),
    }),
  ),
  FaxCallAnswered: withData<Inbound<'FaxCallAnswered'>>()(
    z.object({
      faxId,
      callUuid,
      tenantId: z.string(),
      recipient: e164,
      purpose: z.literal('outbound-relay').optional(),
      sender: z.string().optional(),
      sourceGateway: z.string(),
      t38Enabled: z.boolean(),
      t38Requested: z.boolean(),
      t38Policy: z.string(),
      stationIdent: z.string().optional(),
      pageHeader: z.string().optional(),
      answeredAt: time,
    }),
  ),
  FaxNegotiated: withData<Inbound<'FaxNegotiated'>>()(
    z.object({
      faxId,
      callUuid,
      negotiation: z.number().int(),
      transferRate: z.number().int().openapi({ example: 14400 }),
      ecm: z.boolean(),
      t38Status,
      remoteIdent: z.string().optional(),
      localIdent: z.string().optional(),
    }),
  ),
  FaxPageTransferred: withData<Inbound<'FaxPageTransferred'>>()(
    z.object({
      faxId,
      callUuid,
      page: z.number().int(),
      totalPages: z.number().int().optional().openapi({ description: 'outbound faxes only' }),
      resolution: z.string().openapi({ example: '204x196' }),
      badRows: z.number().int(),
      longestBadRowRun: z.number().int(),
      encoding: z.string().openapi({ example: 'T.85(L0)' }),
      imageBytes: z.number().int(),
    }),
  ),
  FaxReceived: withData<Inbound<'FaxReceived'>>()(
    z.object({
      faxId,
      callUuid,
      tenantId: z.string(),
      pages: z.number().int(),
      documentId: z.string(),
      resultCode: z.number().int(),
      resultText: z.string(),
      t38Status,
      transferRate: z.number().int(),
      remoteIdent: z.string().optional(),
      receivedAt: time,
    }),
  ),
  FaxReceiveFailed: withData<Inbound<'FaxReceiveFailed'>>()(
    z.object({
      faxId,
      callUuid,
      tenantId: z.string(),
      resultCode: z.number().int(),
      resultText: z.string(),
      reasonClass: z.string().openapi({ description: 'T.30 reason class, or storage_failed', example: 'call_dropped' }) as z.ZodType<Inbound<'FaxReceiveFailed'>['reasonClass']>,
      hangupCause: z.string().optional(),
      pagesReceived: z.number().int(),
      documentId: z.string().optional(),
      partial: z.boolean(),
      t38Status,
      negotiations: z.number().int(),
      badRows: z.number().int(),
      failedAt: time,
    }),
  ),
  FaxReceiveInterrupted: withData<Inbound<'FaxReceiveInterrupted'>>()(
    z.object({
      faxId,
      callUuid,
      tenantId: z.string(),
      reason: z.enum(['connection_lost', 'restart']),
      pagesReceived: z.number().int(),
      documentId: z.string().optional(),
      interruptedAt: time,
    }),
  ),
  FaxRouted: withData<Inbound<'FaxRouted'>>()(
    z.object({
      faxId,
      tenantId: z.string(),
      recipient: e164,
      purpose: z.literal('outbound-relay').optional(),
      sender: z.string().optional(),
      documentId: z.string(),
      partial: z.boolean(),
      endpointScope: z.enum(['number', 'tenant', 'global', 'none']),
      deliveries: z.array(
        z.discriminatedUnion('kind', [
          z.object({ endpointId: z.string(), kind: z.literal('gateway'), priority: z.number().int(), gateway: z.string() }),
          z.object({ endpointId: z.string(), kind: z.literal('email'), priority: z.number().int(), addresses: z.array(z.string()) }),
          z.object({ endpointId: z.string(), kind: z.literal('webhook'), priority: z.number().int(), url: z.string(), style: z.enum(['json', 'form']), document: z.enum(['url', 'inline']).optional() }),
        ]),
      ),
      notifyEmails: z.array(z.string()),
      privacy: z.object({ notifyDocument: z.enum(['attach', 'link']), storeNothing: z.boolean() }).optional(),
    }),
  ),
  FaxBridged: withData<Inbound<'FaxBridged'>>()(
    z.object({
      faxId,
      callUuid,
      tenantId: z.string(),
      recipient: e164,
      gateway: z.string(),
      t38Enabled: z.boolean(),
      success: z.boolean(),
      hangupCause: z.string(),
      answeredAt: time.optional(),
      endedAt: time,
    }),
  ),
  FaxCallEnded: withData<Inbound<'FaxCallEnded'>>()(z.object({ faxId, callUuid, hangupCause: z.string().openapi({ example: 'NORMAL_CLEARING' }), endedAt: time })),
};

// Outbound events are built by src/domain/outbound/outboundFaxContext.ts (most without a named type).
const faxResult = { faxId, tenantId: z.string(), to: e164, from: e164, pages: z.number().int(), attempts: z.number().int() };
const outbound = {
  FaxQueued: withData<FaxQueuedData>()(
    z.object({
      faxId,
      direction: z.literal('outbound'),
      tenantId: z.string(),
      to: e164,
      from: e164,
      callerIdName: z.string().optional(),
      callerIdNumber: e164.optional(),
      headerText: z.string().optional(),
      stationIdent: z.string().optional(),
      resolution: z.enum(['fine', 'standard']),
      pageSize: z.enum(['a4', 'letter']),
      policy: z.record(z.string(), z.unknown()).optional(),
      files: z.array(z.object({ name: z.string(), contentType: z.string(), bytes: z.number().int() })),
      submittedBy: submitter,
      notify: z.object({ emails: z.array(z.string()), mode: z.enum(['report', 'full', 'fullOnFailure', 'none']) }).optional(),
      idempotencyKey: z.string().optional(),
      relayOf: z.object({ faxId: z.string(), endpointId: z.string() }).optional(),
      gateways: z.array(z.string()).optional(),
      gatewayRole: z.enum(['upstream', 'pbx']).optional(),
      queuedAt: time,
    }),
  ),
  FaxDocumentPrepared: withData<FaxDocumentPreparedData>()(z.object({ faxId, documentId: z.string(), pages: z.number().int() })),
  FaxSendAttemptStarted: z.object({ faxId, attempt: z.number().int(), gateway: z.string(), node: z.string().optional().openapi({ description: 'the FreeSWITCH node the call went through (absent before several nodes)' }), callUuid, to: e164, transport, startedAt: time }),
  FaxDialOverridesApplied: z.object({ faxId, attempt: z.number().int(), callUuid, overrides: z.record(z.string(), z.string()), transport }),
  FaxSendAttemptFailed: z.object({
    faxId,
    attempt: z.number().int(),
    gateway: z.string(),
    callUuid,
    outcomeClass,
    reason: z.string(),
    answered: z.boolean(),
    pagesSent: z.number().int(),
    hangupCause: z.string().optional(),
    sipStatus: z.number().int().optional(),
    sipDisposition: z.string().optional(),
    t30Code: z.number().int().optional(),
    t30Text: z.string().optional(),
    to: e164,
    t38Enabled: z.boolean(),
    t38Status,
    negotiations: z.number().int(),
    badRows: z.number().int(),
    t38Trouble: z.boolean(),
    recordStationT38Trouble: z.boolean(),
  }),
  FaxSendAttemptInterrupted: z.object({ faxId, attempt: z.number().int(), gateway: z.string(), callUuid, pagesSent: z.number().int(), reason: z.string() }),
  FaxRetryScheduled: z.object({
    faxId,
    nextAttempt: z.number().int(),
    retryAt: time,
    gateway: z.string(),
    transport,
    cooldowns: z.record(z.string(), z.number()).openapi({ description: 'gateway → epoch ms until which this fax skips it' }),
    history: z.array(outcomeClass),
  }),
  FaxSent: z.object({
    ...faxResult,
    gateway: z.string(),
    callUuid,
    transferRate: z.number().int(),
    t38Enabled: z.boolean(),
    t38Status,
    negotiations: z.number().int(),
    ecmUsed: z.boolean().optional(),
    remoteIdent: z.string().optional(),
    sentAt: time,
    attemptLog,
  }),
  FaxFailed: z.object({ ...faxResult, outcomeClass, maybeSent: z.boolean(), reason: z.string(), attemptLog }),
  FaxCancelled: z.object({ faxId, tenantId: z.string(), during: z.enum(['queued', 'waiting', 'call']), by: submitter, attempts: z.number().int(), cancelledAt: time }),
  // Appended to the received fax's stream by the relay reactor (src/reactors/faxRelay.ts).
  FaxRelayed: z.object({ faxId, relayFaxId: z.string(), gateways: z.array(z.string()), partial: z.boolean() }),
};

type Notification<T extends NotificationEvent['type']> = DataOf<NotificationEvent, T>;
const notificationRef = {
  notificationId: z.string(),
  faxId,
  tenantId: z.string().nullable(),
  sourceEventId: z.string(),
  sourceType: z.enum(['FaxRouted', 'FaxSent', 'FaxFailed']),
  endpointId: z.string().nullable(),
  target: z.discriminatedUnion('channel', [
    z.object({ channel: z.literal('email'), to: z.array(z.string()) }),
    z.object({ channel: z.literal('webhook'), url: z.string(), style: z.enum(['json', 'form']) }),
  ]),
};
const notificationError = z.object({
  kind: z.enum(['http_status', 'timeout', 'network', 'smtp_transient', 'smtp_permanent', 'not_configured', 'endpoint_gone', 'document_unavailable']),
  message: z.string(),
  code: z.number().int().optional(),
});
// Appended by src/api/services/faxReadMarks.ts when someone opens a received fax or marks it unread.
const readMark = z.object({ faxId, tenantId: z.string().nullable(), by: submitter, at: time });
const readMarks = { FaxMarkedRead: readMark, FaxMarkedUnread: readMark };
// The purge of a fax's personal data (README: Retention and purge); neither holds personal data.
const purgeReason = z.enum(['retention', 'request', 'storeNothing']);
const purges = {
  FaxPurgeRequested: z.object({ faxId, tenantId: z.string().nullable(), reason: purgeReason, by: z.union([submitter, z.object({ kind: z.literal('system') })]), requestedAt: time }),
  FaxPurged: z.object({ faxId, tenantId: z.string().nullable(), reason: purgeReason, purgedAt: time }),
};

const notifications = {
  NotificationSent: withData<Notification<'NotificationSent'>>()(
    z.object({
      ...notificationRef,
      attempt: z.number().int(),
      sentAt: time,
      detail: z.object({ status: z.number().int().optional(), response: z.string().optional(), accepted: z.array(z.string()).optional(), rejected: z.array(z.string()).optional() }),
    }),
  ),
  NotificationAttemptFailed: withData<Notification<'NotificationAttemptFailed'>>()(
    z.object({ ...notificationRef, attempt: z.number().int(), failedAt: time, error: notificationError, permanent: z.boolean(), nextAttemptAt: time.nullable() }),
  ),
  NotificationDeadLettered: withData<Notification<'NotificationDeadLettered'>>()(z.object({ ...notificationRef, attempts: z.number().int(), deadLetteredAt: time, reason: notificationError })),
  NotificationRedeliveryRequested: withData<Notification<'NotificationRedeliveryRequested'>>()(z.object({ ...notificationRef, requestedAt: time, requestedBy: z.string() })),
};

// FaxCallAnswered, FaxNegotiated and FaxPageTransferred happen in both directions; an outbound answer
// names the gateway it went out on instead of the inbound routing.
const outboundAnswered = z.object({ faxId, direction: z.literal('outbound'), callUuid, gateway: z.string(), answeredAt: time });

/** Every event type a fax's stream can hold, with its `data` (the compiler insists on each type). */
export const faxEventDataSchemas: { [T in FaxStreamEventType]: z.ZodType } = {
  ...inbound,
  ...outbound,
  ...notifications,
  ...readMarks,
  ...purges,
  FaxCallAnswered: z.union([inbound.FaxCallAnswered.openapi({ title: 'inbound' }), outboundAnswered.openapi({ title: 'outbound' })]),
};

const eventOf = (type: FaxStreamEventType) =>
  z
    .object({
      id: z.string(),
      type: z.literal(type),
      data: faxEventDataSchemas[type],
      revision: z.number().int().openapi({ description: "the event's position in the fax's stream, from 0" }),
      created: time,
    })
    .openapi(`${type}Event`);

const [first, ...rest] = faxStreamEventTypes.map(eventOf);

/** One event of a fax's stream: `data` is the event's own record, named by `type` (see DESIGN.md). */
export const faxEventSchema = z.discriminatedUnion('type', [first!, ...rest]).openapi('FaxEvent');
export type FaxEventBody = z.infer<typeof faxEventSchema>;

/** A stored event of a fax's stream as the history route answers it (its type is one of the above). */
export const faxEventBody = ({ id, type, data, revision, created }: RecordedEvent): FaxEventBody => ({ id, type: type as FaxStreamEventType, data: data as never, revision, created });
