/**
 * Which fields of which events hold personal data (HELPERS/README: remote numbers, caller names,
 * station idents, page header text, file names, e-mail addresses and webhook URLs, document ids,
 * the caller's IP, SIP diversion and to-user). Paths: `a.b` walks objects, `a[].b` every item of
 * an array. The tenant's own numbers (inbound `recipient`, outbound `from`), ids, gateways, times,
 * counts and result codes stay readable.
 */
const notificationFields = ['target.to', 'target.url', 'detail.accepted', 'detail.rejected', 'detail.response', 'error.message', 'reason.message'];

export const personalFieldPaths: Readonly<Record<string, readonly string[]>> = {
  // Inbound.
  FaxCallOffered: ['callerNumber', 'callerName', 'toUser', 'diversion', 'sourceIp'],
  FaxCallRejected: ['detail'],
  FaxCallAnswered: ['sender', 'stationIdent', 'pageHeader'],
  FaxNegotiated: ['remoteIdent', 'localIdent'],
  FaxReceived: ['documentId', 'remoteIdent'],
  FaxReceiveFailed: ['documentId'],
  FaxReceiveInterrupted: ['documentId'],
  FaxRouted: ['sender', 'documentId', 'deliveries[].addresses', 'deliveries[].url', 'notifyEmails'],
  // Outbound.
  FaxQueued: ['to', 'callerIdName', 'headerText', 'stationIdent', 'files[].name', 'notify.emails', 'webhookUrl', 'webhooks[].url'],
  FaxDocumentPrepared: ['documentId'],
  FaxSendAttemptStarted: ['to'],
  FaxSendAttemptFailed: ['to'],
  FaxSent: ['to', 'remoteIdent'],
  FaxFailed: ['to'],
  // Notifications of either direction.
  NotificationSent: notificationFields,
  NotificationAttemptFailed: notificationFields,
  NotificationDeadLettered: notificationFields,
  NotificationRedeliveryRequested: notificationFields,
  // Station knowledge: the remote number.
  StationT38Trouble: ['station'],
  StationFallbackEnabled: ['station'],
  StationCleanAudioFax: ['station'],
  StationFallbackCleared: ['station'],
  StationForgotten: ['station'],
};

/** An outbound relay's `recipient` is the outside number it goes to, not one of the tenant's. */
const relayFields = ['recipient'];

type Segment = string | typeof eachItem;
const eachItem = Symbol('each');
const parsed = new Map<string, Segment[][]>();

function pathsOf(type: string, data: Record<string, unknown>): Segment[][] {
  const relay = data.purpose === 'outbound-relay' && (type === 'FaxCallAnswered' || type === 'FaxRouted');
  const cacheKey = relay ? `${type}+relay` : type;
  let paths = parsed.get(cacheKey);
  if (!paths) {
    const source = [...(personalFieldPaths[type] ?? []), ...(relay ? relayFields : [])];
    paths = source.map((path) => path.split('.').flatMap((part): Segment[] => (part.endsWith('[]') ? [part.slice(0, -2), eachItem] : [part])));
    parsed.set(cacheKey, paths);
  }
  return paths;
}

/** A concrete location in an event's data (`['deliveries', 0, 'url']`) and the personal value found there. */
export type PersonalValue = [path: Array<string | number>, value: unknown];

/** What a personal value reads as once it is sealed away or forgotten: the empty value of its type. */
export function emptyOf(value: unknown): unknown {
  if (typeof value === 'string') return '';
  if (Array.isArray(value)) return [];
  if (value !== null && typeof value === 'object') return {};
  return null;
}

const isEmpty = (value: unknown) =>
  value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);

/**
 * Splits an event's data into a copy with its personal values replaced by empties and the values
 * taken out (with their locations). `data` is never changed; `values` is empty when there is nothing personal.
 */
export function takePersonalValues(type: string, data: unknown): { redacted: unknown; values: PersonalValue[] } {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { redacted: data, values: [] };
  const paths = pathsOf(type, data as Record<string, unknown>);
  const values: PersonalValue[] = [];
  if (paths.length === 0) return { redacted: data, values };
  let redacted: unknown = data;
  for (const path of paths) redacted = redactPath(redacted, path, 0, [], values);
  return { redacted, values };
}

function redactPath(node: unknown, path: Segment[], index: number, at: Array<string | number>, values: PersonalValue[]): unknown {
  const segment = path[index]!;
  if (segment === eachItem) {
    if (!Array.isArray(node)) return node;
    let copy: unknown[] | undefined;
    node.forEach((item, position) => {
      const next = redactPath(item, path, index + 1, [...at, position], values);
      if (next !== item) (copy ??= [...node])[position] = next;
    });
    return copy ?? node;
  }
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
  const current = (node as Record<string, unknown>)[segment];
  if (index === path.length - 1) {
    if (isEmpty(current)) return node;
    values.push([[...at, segment], current]);
    return { ...(node as object), [segment]: emptyOf(current) };
  }
  const next = redactPath(current, path, index + 1, [...at, segment], values);
  return next === current ? node : { ...(node as object), [segment]: next };
}

/** Puts personal values back where they were taken from, copying only the objects on their way. */
export function restorePersonalValues(data: Record<string, unknown>, values: readonly PersonalValue[]): Record<string, unknown> {
  let result = data;
  for (const [path, value] of values) result = setPath(result, path, 0, value) as Record<string, unknown>;
  return result;
}

function setPath(node: unknown, path: Array<string | number>, index: number, value: unknown): unknown {
  const key = path[index]!;
  const container = (node ?? (typeof key === 'number' ? [] : {})) as Record<string | number, unknown>;
  const copy = (Array.isArray(container) ? [...container] : { ...container }) as Record<string | number, unknown>;
  copy[key] = index === path.length - 1 ? value : setPath(container[key], path, index + 1, value);
  return copy;
}
