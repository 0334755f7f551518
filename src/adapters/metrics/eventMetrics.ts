import type { Metrics } from '../../ports/metrics.js';

/** An event as appended: its type and data (nothing else is read). */
export interface AppendedEvent {
  type: string;
  data: unknown;
}

type Data = Record<string, unknown>;
const text = (data: Data, key: string, fallback = 'unknown'): string => (typeof data[key] === 'string' && data[key] !== '' ? (data[key] as string) : fallback);
const number = (data: Data, key: string): number => (typeof data[key] === 'number' && Number.isFinite(data[key]) ? (data[key] as number) : 0);
const transportOf = (data: Data): string => (data.t38Status === undefined ? 'unknown' : data.t38Status === 'negotiated' ? 't38' : 'audio');
const channelOf = (data: Data): string => {
  const target = data.target as { channel?: unknown } | undefined;
  return typeof target?.channel === 'string' ? target.channel : 'unknown';
};

/**
 * Counts what the stored events say happened: finished faxes, attempts, pages, negotiations,
 * refused calls and notifications. Fed with every event as its append succeeds, so the counts are
 * exactly what the event store holds (from this process's start on).
 */
export function createEventMetrics(metrics: Metrics, tenantLabel: (tenantId: string) => string): (event: AppendedEvent) => void {
  const finished = (direction: 'inbound' | 'outbound', result: string, data: Data) =>
    metrics.count('faxes', { direction, result, tenant: tenantLabel(text(data, 'tenantId', 'none')) });
  const pages = (direction: 'inbound' | 'outbound', transport: string, count: number) => {
    if (count > 0) metrics.count('pages', { direction, transport }, count);
  };

  return (event) => {
    if (typeof event.data !== 'object' || event.data === null) return;
    const data = event.data as Data;
    switch (event.type) {
      case 'FaxReceived':
        finished('inbound', 'success', data);
        pages('inbound', transportOf(data), number(data, 'pages'));
        return;
      case 'FaxReceiveFailed':
        finished('inbound', text(data, 'reasonClass'), data);
        pages('inbound', transportOf(data), number(data, 'pagesReceived'));
        return;
      case 'FaxReceiveInterrupted':
        finished('inbound', 'interrupted', data);
        pages('inbound', 'unknown', number(data, 'pagesReceived'));
        return;
      case 'FaxBridged':
        finished('inbound', data.success === true ? 'success' : 'bridge_failed', data);
        return;
      case 'FaxCallRejected':
        metrics.count('inboundCallsRejected', { reason: text(data, 'reason') });
        return;
      case 'FaxSent':
        finished('outbound', 'success', data);
        metrics.count('sendAttempts', { gateway: text(data, 'gateway'), outcome: 'sent' });
        pages('outbound', transportOf(data), number(data, 'pages'));
        return;
      case 'FaxSendAttemptFailed':
        metrics.count('sendAttempts', { gateway: text(data, 'gateway'), outcome: text(data, 'outcomeClass') });
        pages('outbound', transportOf(data), number(data, 'pagesSent'));
        return;
      case 'FaxSendAttemptInterrupted':
        metrics.count('sendAttempts', { gateway: text(data, 'gateway'), outcome: 'interrupted' });
        pages('outbound', 'unknown', number(data, 'pagesSent'));
        return;
      case 'FaxFailed':
        finished('outbound', text(data, 'outcomeClass'), data);
        return;
      case 'FaxCancelled':
        finished('outbound', 'cancelled', data);
        return;
      case 'FaxNegotiated':
        metrics.count('negotiations', { transport: transportOf(data), rate_bps: String(number(data, 'transferRate')) });
        return;
      case 'NotificationSent':
        metrics.count('notificationsSent', { channel: channelOf(data) });
        return;
      case 'NotificationAttemptFailed':
        if (typeof data.nextAttemptAt === 'string') metrics.count('notificationRetries', { channel: channelOf(data) });
        return;
      case 'NotificationDeadLettered':
        metrics.count('notificationsDeadLettered', { channel: channelOf(data) });
        return;
    }
  };
}
