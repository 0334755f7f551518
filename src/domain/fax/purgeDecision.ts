import type { FaxPurgeEvent, FaxPurgeRequestedData, PurgeReason, PurgeRequester } from './purgeEvents.js';

/** Where a fax's purge stands: never asked for, asked for and under way, or done. */
export type PurgeState = 'none' | 'pending' | 'purged';

/** Why a purge cannot be asked for: no such fax, or its call or sending still going. */
export type PurgeRefusal = 'not_found' | 'in_progress';

/** The events after which a fax's actor appends no more: its call is over (inbound) or its sending ended (outbound). */
const inboundEnd = new Set(['FaxCallEnded', 'FaxCallRejected']);
const outboundEnd = new Set(['FaxSent', 'FaxFailed', 'FaxCancelled']);

/** The purge state a fax's history shows. */
export function purgeStateOf(history: ReadonlyArray<{ type: string }>): PurgeState {
  let state: PurgeState = 'none';
  for (const event of history) {
    if (event.type === 'FaxPurged') return 'purged';
    if (event.type === 'FaxPurgeRequested') state = 'pending';
  }
  return state;
}

/** The tenant a fax's events name last (null: a fax of no tenant, e.g. a rejected call). */
export function tenantOf(history: ReadonlyArray<{ data: unknown }>): string | null {
  let tenantId: string | null = null;
  for (const event of history) {
    const data = event.data as { tenantId?: unknown };
    if (typeof data.tenantId === 'string') tenantId = data.tenantId;
  }
  return tenantId;
}

/** True once the fax's actor is done with its stream (so an append of ours cannot break its exact-revision appends). */
export function faxIsOver(history: ReadonlyArray<{ type: string }>): boolean {
  const ends = history[0]?.type === 'FaxQueued' ? outboundEnd : inboundEnd;
  return history.some((event) => ends.has(event.type));
}

/**
 * The purge-request decision over a fax's stream: the FaxPurgeRequested to append, the state the
 * fax is already in (a second request appends nothing), or why it cannot be asked for. Like read
 * marks, only once the fax's call (or sending) is over: until then its actor writes the stream.
 */
export function decidePurgeRequest(
  history: ReadonlyArray<{ type: string; data: unknown }>,
  reason: PurgeReason,
  by: PurgeRequester,
  at: string,
): Extract<FaxPurgeEvent, { type: 'FaxPurgeRequested' }> | { already: Exclude<PurgeState, 'none'> } | { refused: PurgeRefusal } {
  const first = history[0];
  if (!first || (first.type !== 'FaxCallOffered' && first.type !== 'FaxQueued')) return { refused: 'not_found' };
  const state = purgeStateOf(history);
  if (state !== 'none') return { already: state };
  if (!faxIsOver(history)) return { refused: 'in_progress' };
  const data: FaxPurgeRequestedData = { faxId: (first.data as { faxId: string }).faxId, tenantId: tenantOf(history), reason, by, requestedAt: at };
  return { type: 'FaxPurgeRequested', data };
}
