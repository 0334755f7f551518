import { z } from 'zod';

/**
 * The wire format of fax events on the bus (Kafka topic `faxengine.fax-events` by default), shared
 * by the publisher and every consumer. Key: the fax id, so one fax's events stay in order. Value:
 * UTF-8 JSON of `FaxEventMessage`. Headers: `faxengine-event-type` and `faxengine-schema-version`,
 * so a consumer can filter or route without parsing the value.
 *
 * Compatibility: fields may be added within a schema version; removing or changing one means a new
 * `schemaVersion`, which old consumers reject loudly instead of misreading.
 */
export const faxEventSchemaVersion = 1;

export const faxEventHeaders = {
  eventType: 'faxengine-event-type',
  schemaVersion: 'faxengine-schema-version',
} as const;

export const faxEventMessageSchema = z.object({
  schemaVersion: z.literal(faxEventSchemaVersion),
  /** The event's id in the event store: the idempotency key for consumers. */
  eventId: z.string().min(1),
  /** PascalCase past tense, e.g. `FaxReceived`. */
  type: z.string().min(1),
  faxId: z.string().min(1),
  /** The owning tenant, or null for events that carry none. */
  tenantId: z.string().nullable(),
  /** ISO-8601 time the event store recorded the event. */
  time: z.iso.datetime({ offset: true }),
  /** Global position in the event store: increases with every event. */
  position: z.number().int().positive(),
  /** The event's number within its fax, from 0: a consumer can detect gaps and duplicates per fax. */
  revision: z.number().int().nonnegative(),
  data: z.unknown(),
  metadata: z.record(z.string(), z.unknown()),
});

export type FaxEventMessage = z.infer<typeof faxEventMessageSchema>;

/** What the encoder needs from a stored event (structurally, the event store's RecordedEvent). */
export interface StoredFaxEvent {
  id: string;
  stream: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  revision: number;
  position: number;
  created: string;
}

export interface EncodedFaxEvent {
  key: string;
  value: string;
  headers: Record<string, string>;
}

const faxStreamPrefix = 'fax-';

/** Builds the message for an event of a `fax-<id>` stream. */
export function toFaxEventMessage(event: StoredFaxEvent): FaxEventMessage {
  if (!event.stream.startsWith(faxStreamPrefix)) throw new Error(`${event.stream} is not a fax stream`);
  return {
    schemaVersion: faxEventSchemaVersion,
    eventId: event.id,
    type: event.type,
    faxId: event.stream.slice(faxStreamPrefix.length),
    tenantId: tenantIdOf(event),
    time: event.created,
    position: event.position,
    revision: event.revision,
    data: event.data,
    metadata: event.metadata,
  };
}

/** The bus message (key, JSON value, headers) for an event of a `fax-<id>` stream. */
export function encodeFaxEvent(event: StoredFaxEvent): EncodedFaxEvent {
  const message = toFaxEventMessage(event);
  return {
    key: message.faxId,
    value: JSON.stringify(message),
    headers: { [faxEventHeaders.eventType]: message.type, [faxEventHeaders.schemaVersion]: String(faxEventSchemaVersion) },
  };
}

/** Parses and validates a message value; throws (naming the field) when it is not schema version 1. */
export function decodeFaxEventMessage(value: string | Uint8Array): FaxEventMessage {
  const text = typeof value === 'string' ? value : new TextDecoder().decode(value);
  return faxEventMessageSchema.parse(JSON.parse(text));
}

function tenantIdOf(event: StoredFaxEvent): string | null {
  const fromMetadata = event.metadata.tenantId;
  if (typeof fromMetadata === 'string' && fromMetadata.length > 0) return fromMetadata;
  const fromData = (event.data as { tenantId?: unknown } | null)?.tenantId;
  return typeof fromData === 'string' && fromData.length > 0 ? fromData : null;
}
