/**
 * Stream names: `<category>-<id>`. Categories contain no dash, so the text before the first dash
 * is always the category.
 */
export const streamCategories = ['fax', 'tenant', 'system', 'station', 'idempotency', 'reactor', 'access'] as const;
export type StreamCategory = (typeof streamCategories)[number];

export const faxStream = (faxId: string): string => `fax-${faxId}`;
export const tenantStream = (tenantId: string): string => `tenant-${tenantId}`;
export const stationStream = (e164: string): string => `station-${e164}`;
export const systemConfigStream = 'system-config';
/** What a reactor (a checkpointed subscription with side effects) records about itself: its parked events. */
export const reactorStream = (reactor: string): string => `reactor-${reactor}`;
/** Claims of one tenant's `Idempotency-Key`; `digest` is sha256(tenantId, key), so keys never need escaping. */
export const idempotencyStream = (digest: string): string => `idempotency-${digest}`;

export function categoryOf(stream: string): string {
  const dash = stream.indexOf('-');
  return dash === -1 ? stream : stream.slice(0, dash);
}
