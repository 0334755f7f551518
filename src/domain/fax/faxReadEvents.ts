import type { Submitter } from '../outbound/outboundFaxEvents.js';

/** Who marked a fax read or unread: a signed-in user (console or API key) or the admin. */
export type FaxReader = Exclude<Submitter, { kind: 'relay' }>;

/**
 * A received fax was opened or marked read, or marked unread again. Appended to the fax's own
 * stream (`fax-<id>`) by src/api/services/faxReadMarks.ts once its call is over, so the inbox's
 * read state has a history like everything else: who read it and when.
 */
export interface FaxReadMarkData {
  faxId: string;
  tenantId: string | null;
  by: FaxReader;
  at: string;
}

export type FaxReadEvent = { type: 'FaxMarkedRead'; data: FaxReadMarkData } | { type: 'FaxMarkedUnread'; data: FaxReadMarkData };

export const faxReadEventTypes = ['FaxMarkedRead', 'FaxMarkedUnread'] as const satisfies readonly FaxReadEvent['type'][];

/** Why a fax cannot be marked: not a received fax, or its call (whose actor writes the stream) still going. */
export type ReadMarkRefusal = 'not_found' | 'not_received' | 'call_in_progress';

/**
 * The read-mark decision over a fax's stream: the event to append, nothing when the fax already is
 * in that state, or why it cannot be marked. Only after `FaxCallEnded` — until then the fax's actor
 * is the stream's single writer and appends at exact revisions (as the relay reactor waits too).
 */
export function decideReadMark(
  history: ReadonlyArray<{ type: string; data: unknown }>,
  read: boolean,
  by: FaxReader,
  at: string,
): FaxReadEvent | 'unchanged' | { refused: ReadMarkRefusal } {
  if (history[0]?.type !== 'FaxCallOffered') return { refused: history.length === 0 ? 'not_found' : 'not_received' };
  let received = false;
  let ended = false;
  let isRead = false;
  let tenantId: string | null = null;
  for (const event of history) {
    if (event.type === 'FaxReceived') received = true;
    else if (event.type === 'FaxCallEnded') ended = true;
    else if (event.type === 'FaxMarkedRead') isRead = true;
    else if (event.type === 'FaxMarkedUnread') isRead = false;
    const data = event.data as { tenantId?: string };
    if (typeof data.tenantId === 'string') tenantId = data.tenantId;
  }
  if (!received) return { refused: 'not_received' };
  if (!ended) return { refused: 'call_in_progress' };
  if (isRead === read) return 'unchanged';
  const faxId = (history[0].data as { faxId: string }).faxId;
  return { type: read ? 'FaxMarkedRead' : 'FaxMarkedUnread', data: { faxId, tenantId, by, at } };
}
