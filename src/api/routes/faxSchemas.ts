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
    attemptLog: z.array(z.object({ attempt: z.number().int(), gateway: z.string(), outcome: z.string() })),
    transport: z.object({ ecm: z.boolean(), v17: z.boolean(), t38: z.boolean() }).nullable(),
    dialOverrides: z.record(z.string(), z.string()).nullable(),
    relayOf: z.object({ faxId: z.string(), endpointId: z.string() }).nullable(),
  })
  .openapi('OutboundProgress', { description: 'attempts and their outcomes (outbound faxes only)' });

export const faxSchema = z
  .object({
    faxId: z.string(),
    direction: z.enum(['inbound', 'outbound']),
    tenantId: z.string().nullable(),
    status: z.enum(faxStatuses),
    ended: z.boolean().openapi({ description: 'the call is over (hung up, rejected, or lost)' }),
    callUuid: z.string(),
    from: z.string(),
    to: z.string().openapi({ description: 'the dialled number: E.164 once screening resolved it, else as signalled' }),
    pages: z.number().int(),
    documentId: z.string().nullable(),
    partial: z.boolean(),
    result: z.object({ code: z.number().int(), text: z.string(), reasonClass: z.string() }).nullable(),
    t38Status: z.string().nullable(),
    transferRate: z.number().int().nullable(),
    remoteIdent: z.string().nullable(),
    negotiations: z.number().int(),
    hangupCause: z.string().nullable(),
    deliveries: z.number().int().nullable().openapi({ description: 'how many endpoints the document is routed to (null until routed)' }),
    createdAt: time,
    updatedAt: time,
    outbound: outboundProgress.optional(),
  })
  .openapi('Fax');

export const faxPage = z.object({ items: z.array(faxSchema), nextCursor: z.string().nullable() }).openapi('FaxPage');

export { faxEventSchema } from './faxEventSchemas.js';
