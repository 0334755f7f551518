import type { FaxApiClient, FaxHistoryEvent } from './faxApiClient.js';

/** How a fax ended, as its history tells it. */
export type FaxEnd = 'sent' | 'failed' | 'cancelled' | 'received' | 'notReceived' | 'rejected';

export const succeeded = (end: FaxEnd): boolean => end === 'sent' || end === 'received';

/** What earlier events told that later lines need (an inbound call's end depends on its result). */
interface Reading {
  received: boolean;
}

type Data = Record<string, unknown>;
const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));
const plural = (count: unknown, word: string): string => `${text(count)} ${word}${count === 1 ? '' : 's'}`;

/** One line for a person watching the fax, or `undefined` for events that add nothing to read. */
export function describeFaxEvent(event: Pick<FaxHistoryEvent, 'type' | 'data'>): string | undefined {
  const data: Data = event.data;
  switch (event.type) {
    case 'FaxQueued':
      return undefined; // FaxDocumentPrepared follows in the same append and knows the pages.
    case 'FaxDocumentPrepared':
      return `queued (${plural(data.pages, 'page')})`;
    case 'FaxSendAttemptStarted':
      return `dialing${data.to ? ` ${text(data.to)}` : ''} via ${text(data.gateway)} (attempt ${text(data.attempt)})`;
    case 'FaxDialOverridesApplied':
      return `dialling with per-number overrides: ${Object.entries((data.overrides as Data | undefined) ?? {}).map(([name, value]) => `${name}=${text(value)}`).join(', ')}`;
    case 'FaxCallOffered':
      return `incoming call from ${text(data.callerNumber)} to ${text(data.toUser)}`;
    case 'FaxCallRejected':
      return `rejected with SIP ${text(data.sipCode)}: ${text(data.detail || data.reason)}`;
    case 'FaxCallAnswered':
      return 'answered';
    case 'FaxNegotiated':
      return `negotiated ${text(data.transferRate)} bps${data.ecm ? ', ECM' : ''}${data.t38Status === 'negotiated' ? ', T.38' : ''}${data.remoteIdent ? `, remote station "${text(data.remoteIdent)}"` : ''}`;
    case 'FaxPageTransferred':
      return typeof data.totalPages === 'number' ? `page ${text(data.page)} of ${data.totalPages}` : `page ${text(data.page)}`;
    case 'FaxSendAttemptFailed':
      return `attempt ${text(data.attempt)} failed: ${text(data.reason)}`;
    case 'FaxSendAttemptInterrupted':
      return `attempt ${text(data.attempt)} interrupted: ${text(data.reason)}`;
    case 'FaxRetryScheduled':
      return `retry at ${clockTime(text(data.retryAt))} via ${text(data.gateway)} (attempt ${text(data.nextAttempt)})`;
    case 'FaxSent':
      return `sent: ${plural(data.pages, 'page')} to ${text(data.to)} in ${plural(data.attempts, 'attempt')}`;
    case 'FaxFailed':
      return `failed: ${text(data.reason)}`;
    case 'FaxCancelled':
      return `cancelled (while ${text(data.during)})`;
    case 'FaxReceived':
      return `received: ${plural(data.pages, 'page')}${data.remoteIdent ? ` from "${text(data.remoteIdent)}"` : ''}`;
    case 'FaxReceiveFailed':
      return `not received: ${text(data.resultText)}${data.partial ? ` (${plural(data.pagesReceived, 'page')} kept)` : ''}`;
    case 'FaxReceiveInterrupted':
      return `interrupted (${text(data.reason)}) after ${plural(data.pagesReceived, 'page')}`;
    case 'FaxRouted':
      return routedLine(data);
    case 'FaxRelayed':
      return `relayed to ${[data.gateways].flat().map(text).join(', ')} as fax ${text(data.relayFaxId)}`;
    case 'FaxBridged':
      return `bridged via ${text(data.gateway)}: ${data.success ? 'completed' : text(data.hangupCause)}`;
    case 'FaxCallEnded':
      return `call ended (${text(data.hangupCause)})`;
    default:
      // Notifications are followed elsewhere (GET /v1/faxes/{id}/notifications); anything newer is named.
      return event.type.startsWith('Notification') ? undefined : event.type;
  }
}

function routedLine(data: Data): string {
  const deliveries = Array.isArray(data.deliveries) ? (data.deliveries as Data[]) : [];
  if (deliveries.length === 0) return 'stored (no delivery endpoints for this number)';
  const targets = deliveries.map((delivery) =>
    delivery.kind === 'gateway' ? `gateway ${text(delivery.gateway)}` : delivery.kind === 'email' ? `e-mail ${[delivery.addresses].flat().map(text).join(', ')}` : `webhook ${text(delivery.url)}`,
  );
  return `routed to ${targets.join('; ')}`;
}

/** Local wall-clock time (HH:MM:SS), with the date when it is not today. */
function clockTime(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const pad = (value: number) => String(value).padStart(2, '0');
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
  const today = new Date();
  const sameDay = at.getFullYear() === today.getFullYear() && at.getMonth() === today.getMonth() && at.getDate() === today.getDate();
  return sameDay ? time : `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${time}`;
}

/** The end an event marks, if it is the last word on the fax (inbound or outbound). */
function endOf(event: Pick<FaxHistoryEvent, 'type'>, reading: Reading): FaxEnd | undefined {
  switch (event.type) {
    case 'FaxReceived':
      reading.received = true;
      return undefined;
    case 'FaxSent':
      return 'sent';
    case 'FaxFailed':
      return 'failed';
    case 'FaxCancelled':
      return 'cancelled';
    case 'FaxCallRejected':
      return 'rejected';
    case 'FaxCallEnded':
      return reading.received ? 'received' : 'notReceived';
    default:
      return undefined;
  }
}

export interface FollowOptions {
  print: (line: string) => void;
  /** Between two reads of the history. Default 250 ms. */
  intervalMs?: number;
  /** How long a fax may stay invisible (the read model catching up) before that is an error. Default 15 s. */
  appearTimeoutMs?: number;
}

/** Polls the fax's history, printing a line for each new event, until an event ends the fax. */
export async function followFax(client: FaxApiClient, faxId: string, options: FollowOptions): Promise<{ end: FaxEnd; events: FaxHistoryEvent[] }> {
  const intervalMs = options.intervalMs ?? 250;
  const appearBy = Date.now() + (options.appearTimeoutMs ?? 15_000);
  const reading: Reading = { received: false };
  let seen = 0;
  for (;;) {
    const events = await client.faxEvents(faxId);
    if (events === undefined && Date.now() > appearBy) throw new Error(`fax ${faxId} is not visible at ${client.baseUrl}/v1/faxes/${faxId} to these credentials`);
    for (const event of events?.slice(seen) ?? []) {
      seen++;
      const line = describeFaxEvent(event);
      if (line !== undefined) options.print(line);
      const end = endOf(event, reading);
      if (end !== undefined) return { end, events: events! };
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
