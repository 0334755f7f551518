/**
 * The webhook event types (`type` of a payload). An endpoint subscribes to some of them with its
 * `events` setting; without one it gets `fax.received` only, as before outbound events existed.
 */
export const outboundWebhookEvents = [
  'fax.queued',
  'fax.converted',
  'fax.attempt.started',
  'fax.attempt.failed',
  'fax.sent',
  'fax.failed',
  'fax.cancelled',
] as const;

export const webhookEvents = ['fax.received', ...outboundWebhookEvents] as const;

export type WebhookEvent = (typeof webhookEvents)[number];
export type OutboundWebhookEvent = (typeof outboundWebhookEvents)[number];

/** What an endpoint without an `events` setting is sent. */
export const defaultEndpointEvents: readonly WebhookEvent[] = ['fax.received'];

export const isWebhookEvent = (value: unknown): value is WebhookEvent => typeof value === 'string' && (webhookEvents as readonly string[]).includes(value);

/** Whether an endpoint with these `events` (undefined: the default) wants `event`. */
export const subscribesTo = (events: readonly string[] | undefined, event: WebhookEvent): boolean => (events ?? defaultEndpointEvents).includes(event);
