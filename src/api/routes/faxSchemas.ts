import { z } from '@hono/zod-openapi';
import { faxStatuses } from '../../../projections/faxProjection.js';

// The OpenAPI shapes of projections/faxProjection.ts's FaxView and of a fax stream's events; the
// contract test (test/contract) checks every response against them.
const time = z.string().openapi({ example: '2025-01-31T12:00:00.000Z' });

const outboundProgress = z
  .object({
    attempts: z.number().int(),
    gateway: z.string().nullable(),
    pagesSent: z.number().int(),
    retryAt: time.nullable().openapi({ description: 'when the next attempt is due, while waiting to retry' }),
    maybeSent: z.boolean().openapi({ description: 'the last attempt was answered and lost: the fax may have arrived' }),
    attemptLog: z.array(z.object({ attempt: z.number().int(), gateway: z.string(), node: z.string().optional().openapi({ description: 'the FreeSWITCH node of the call' }), outcome: z.string() })),
    node: z.string().nullable().optional().openapi({ description: "the FreeSWITCH node of the last attempt's call" }),
    transport: z.object({ ecm: z.boolean(), v17: z.boolean(), t38: z.boolean() }).nullable(),
    dialOverrides: z.record(z.string(), z.string()).nullable(),
    relayOf: z.object({ faxId: z.string(), endpointId: z.string() }).nullable(),
  })
  .openapi('OutboundProgress', { description: 'attempts and their outcomes (outbound faxes only)' });

const faxExample = {
  faxId: '2003f688-2382-496d-9e14-a3fff9cafe73',
  direction: 'outbound',
  tenantId: '1',
  status: 'sent',
  ended: true,
  callUuid: '3a1d60fb-f4ad-43a4-b331-4e9eb7a19cb3',
  from: '+15551230000',
  to: '+15557654321',
  pages: 1,
  documentId: 'sha256-6290930791be4f726a18dfe427c808b98a0ab7b53ca070167c2a5a4cb778d2bc',
  partial: false,
  result: { code: 0, text: 'OK', reasonClass: 'sent' },
  t38Status: 'negotiated',
  transferRate: 14400,
  remoteIdent: null,
  callerName: null,
  read: false,
  negotiations: 1,
  hangupCause: null,
  deliveries: null,
  createdAt: '2025-01-31T12:00:00.000Z',
  updatedAt: '2025-01-31T12:00:04.100Z',
  outbound: {
    attempts: 1,
    gateway: 'carrier1',
    pagesSent: 1,
    retryAt: null,
    maybeSent: false,
    attemptLog: [{ attempt: 1, gateway: 'carrier1', outcome: 'sent: OK (T.30 code 0)' }],
    transport: { ecm: true, v17: true, t38: true },
    dialOverrides: null,
    relayOf: null,
  },
};

export const faxSchema = z
  .object({
    faxId: z.string(),
    direction: z.enum(['inbound', 'outbound']),
    tenantId: z.string().nullable(),
    status: z.enum(faxStatuses),
    ended: z.boolean().openapi({ description: 'the call is over (hung up, rejected, or lost)' }),
    callUuid: z.string(),
    from: z.string().nullable().openapi({ description: "the caller (inbound) or the tenant's sending number (outbound); null once an inbound fax is purged" }),
    to: z.string().nullable().openapi({ description: "the dialled number: E.164 once screening resolved it, else as signalled; null once purged" }),
    pages: z.number().int(),
    documentId: z.string().nullable(),
    partial: z.boolean(),
    result: z.object({ code: z.number().int(), text: z.string(), reasonClass: z.string() }).nullable(),
    t38Status: z.string().nullable(),
    transferRate: z.number().int().nullable(),
    remoteIdent: z.string().nullable(),
    callerName: z.string().nullable().openapi({ description: 'the caller ID name the call was offered with (inbound faxes)' }),
    read: z.boolean().openapi({ description: 'a received fax was opened or marked read (event FaxMarkedRead) and not marked unread since; false for faxes never marked' }),
    negotiations: z.number().int(),
    hangupCause: z.string().nullable(),
    deliveries: z.number().int().nullable().openapi({ description: 'how many endpoints the document is routed to (null until routed)' }),
    createdAt: time,
    updatedAt: time,
    outbound: outboundProgress.optional(),
    purged: z.literal(true).optional().openapi({ description: "the fax's personal data was purged: remote numbers, caller name, idents, document and dial overrides are null; its document and page images answer 410" }),
    purgedAt: time.optional().openapi({ description: 'when the fax was purged' }),
  })
  .openapi('Fax', { example: faxExample });

export const faxPage = z
  .object({ items: z.array(faxSchema), nextCursor: z.string().nullable().openapi({ description: 'pass as `cursor` for the next page; null on the last' }) })
  .openapi('FaxPage', { example: { items: [faxExample], nextCursor: '2025-01-31T12:00:00.000Z|2003f688-2382-496d-9e14-a3fff9cafe73' } });

export { faxEventSchema } from './faxEventSchemas.js';
