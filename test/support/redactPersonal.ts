/**
 * What the event store returns for a purged fax's events, for tests of the read models: the
 * personal fields (issue #21's list, as the event store's shredder seals them) read as the empty
 * value of their type. Paths: `a.b` walks objects, `a[].b` every item of an array.
 */
const notificationFields = ['target.to', 'target.url', 'detail.accepted', 'detail.rejected', 'detail.response', 'error.message', 'reason.message'];
const personalFields: Record<string, string[]> = {
  FaxCallOffered: ['callerNumber', 'callerName', 'toUser', 'diversion', 'sourceIp'],
  FaxCallRejected: ['detail'],
  FaxCallAnswered: ['sender', 'stationIdent', 'pageHeader'],
  FaxNegotiated: ['remoteIdent', 'localIdent'],
  FaxReceived: ['documentId', 'remoteIdent'],
  FaxReceiveFailed: ['documentId'],
  FaxReceiveInterrupted: ['documentId'],
  FaxRouted: ['sender', 'documentId', 'deliveries[].addresses', 'deliveries[].url', 'notifyEmails'],
  FaxQueued: ['to', 'callerIdName', 'headerText', 'stationIdent', 'files[].name', 'notify.emails', 'webhookUrl', 'webhooks[].url'],
  FaxDocumentPrepared: ['documentId'],
  FaxSendAttemptStarted: ['to'],
  FaxSendAttemptFailed: ['to'],
  FaxSent: ['to', 'remoteIdent'],
  FaxFailed: ['to'],
  NotificationSent: notificationFields,
  NotificationAttemptFailed: notificationFields,
  NotificationDeadLettered: notificationFields,
  NotificationRedeliveryRequested: notificationFields,
};

const emptyOf = (value: unknown): unknown => (typeof value === 'string' ? '' : Array.isArray(value) ? [] : value !== null && typeof value === 'object' ? {} : value);

function redactPath(node: unknown, parts: string[]): unknown {
  if (parts.length === 0) return emptyOf(node);
  const [head, ...rest] = parts as [string, ...string[]];
  const each = head.endsWith('[]');
  const key = each ? head.slice(0, -2) : head;
  if (node === null || typeof node !== 'object' || Array.isArray(node) || !(key in node)) return node;
  const value = (node as Record<string, unknown>)[key];
  const next = each ? (Array.isArray(value) ? value.map((item) => redactPath(item, rest)) : value) : redactPath(value, rest);
  return { ...(node as object), [key]: next };
}

/** The event's data as the event store reads it once the fax's key is destroyed. */
export function redactPersonal<T extends { type: string; data: unknown }>(event: T): T {
  let data = event.data;
  for (const path of personalFields[event.type] ?? []) data = redactPath(data, path.split('.'));
  return { ...event, data };
}
