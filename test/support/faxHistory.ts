import Database from 'better-sqlite3';
import { prepareDatabase } from '../../src/adapters/eventStore/sqlite/schema.js';
import { stagedView } from '../../projections/documentProjection.js';
import { faxCollections, faxProjection, type FaxView } from '../../projections/faxProjection.js';
import { seededRandom } from './seededRandom.js';

export interface HistoryEvent {
  type: string;
  data: Record<string, unknown>;
  /** ISO time the event happened (its `created` in the store). */
  at: string;
}

export interface FaxHistoryOptions {
  faxes: number;
  tenants?: number;
  /** Earliest fax; faxes spread over `years` from here, in order of their index. */
  start?: string;
  years?: number;
  seed?: number;
  /** Faxes whose events interleave (calls in progress at once). */
  concurrent?: number;
}

const pad = (value: number, width = 4) => String(value).padStart(width, '0');
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Realistic, minimal fax streams: inbound faxes received, failed or rejected, outbound faxes sent,
 * failed after a retry or still queued, over many tenants and years, some with notifications.
 * Deterministic for a seed. Fax `i` is `fax-<seq>` with its events in the order a server writes them.
 */
export function faxHistory(index: number, options: FaxHistoryOptions): { faxId: string; events: HistoryEvent[] } {
  const seeded = seededRandom((options.seed ?? 1) * 1_000_003 + index);
  const random = () => seeded.next();
  const tenants = options.tenants ?? 50;
  const span = (options.years ?? 3) * 365 * 86_400_000;
  const start = Date.parse(options.start ?? '2023-01-01T00:00:00.000Z');
  const t0 = start + Math.floor((span * index) / options.faxes) + Math.floor(random() * 1000);
  const tenant = Math.floor(random() * tenants);
  const tenantId = `tenant-${pad(tenant)}`;
  const ours = `+1555${pad(tenant, 3)}${pad(Math.floor(random() * 10))}00`.slice(0, 12);
  const remote = `+1444${pad(Math.floor(random() * 10_000), 7)}`;
  const faxId = `f${pad(index, 8)}`;
  const callUuid = `call-${faxId}`;
  const at = (seconds: number) => iso(t0 + seconds * 1000);
  const base = { faxId, callUuid };
  const events: HistoryEvent[] = [];
  const add = (type: string, data: Record<string, unknown>, seconds: number) => events.push({ type, data: { ...base, ...data }, at: at(seconds) });
  const kind = random();
  const pages = 1 + Math.floor(random() * 4);

  if (kind < 0.5) {
    // Inbound: the caller as a carrier signals it (national digits), the dialled number as E.164.
    add('FaxCallOffered', { direction: 'inbound', callerNumber: remote.slice(2), toUser: ours.slice(1), sourceIp: '10.1.1.1', offeredAt: at(0) }, 0);
    if (kind < 0.05) {
      add('FaxCallRejected', { sipCode: 404, reason: 'unknown_number', detail: 'no tenant' }, 0);
      add('FaxCallEnded', { hangupCause: 'UNALLOCATED_NUMBER', endedAt: at(1) }, 1);
      return { faxId, events };
    }
    add('FaxCallAnswered', { tenantId, recipient: ours, sourceGateway: 'carrier1', t38Enabled: true, t38Requested: false, t38Policy: 'upstream', answeredAt: at(2) }, 2);
    add('FaxNegotiated', { negotiation: 1, transferRate: 14400, ecm: true, t38Status: 'negotiated', remoteIdent: remote }, 5);
    for (let page = 1; page <= pages; page++) add('FaxPageTransferred', { page, resolution: '204x196', badRows: 0, longestBadRowRun: 0, encoding: 'MMR', imageBytes: 30_000 }, 5 + page * 20);
    const end = 10 + pages * 20;
    if (kind < 0.45) {
      add('FaxReceived', { tenantId, pages, documentId: `doc-${faxId}`, resultCode: 0, resultText: 'OK', t38Status: 'negotiated', transferRate: 14400, receivedAt: at(end) }, end);
      if (kind < 0.3) notify(add, faxId, tenantId, 'FaxRouted', end + 1, random);
    } else {
      add('FaxReceiveFailed', { tenantId, resultCode: 48, resultText: 'Disconnected after permitted retries', reasonClass: 'line', pagesReceived: 0, partial: false, t38Status: 'negotiated', negotiations: 1, badRows: 0, failedAt: at(end) }, end);
    }
    add('FaxCallEnded', { hangupCause: 'NORMAL_CLEARING', endedAt: at(end + 1) }, end + 1);
    return { faxId, events };
  }

  add('FaxQueued', { direction: 'outbound', tenantId, to: remote, from: ours, resolution: 'fine', pageSize: 'letter', files: [{ name: 'a.pdf', contentType: 'application/pdf', bytes: 9000 }], submittedBy: { kind: 'admin' }, queuedAt: at(0) }, 0);
  add('FaxDocumentPrepared', { documentId: `doc-${faxId}`, pages }, 0);
  if (kind > 0.98) return { faxId, events };
  const attempt = (number: number, seconds: number) =>
    add('FaxSendAttemptStarted', { callUuid: `${callUuid}-${number}`, attempt: number, gateway: 'carrier1', transport: { ecm: true, v17: true, t38: true } }, seconds);
  attempt(1, 1);
  if (kind > 0.9) {
    add('FaxSendAttemptFailed', { callUuid: `${callUuid}-1`, attempt: 1, gateway: 'carrier1', reason: 'busy', outcomeClass: 'busy', hangupCause: 'USER_BUSY', t30Code: 0 }, 20);
    add('FaxRetryScheduled', { attempt: 1, retryAt: at(320) }, 20);
    attempt(2, 320);
    add('FaxSendAttemptFailed', { callUuid: `${callUuid}-2`, attempt: 2, gateway: 'carrier1', reason: 'no answer', outcomeClass: 'no_answer', hangupCause: 'NO_ANSWER', t30Code: 0 }, 380);
    add('FaxFailed', { reason: 'no answer', outcomeClass: 'no_answer', attempts: 2, failedAt: at(380) }, 380);
    notify(add, faxId, tenantId, 'FaxFailed', 381, random);
    return { faxId, events };
  }
  add('FaxCallAnswered', { callUuid: `${callUuid}-1` }, 8);
  add('FaxNegotiated', { callUuid: `${callUuid}-1`, negotiation: 1, transferRate: 9600, ecm: true, t38Status: 'negotiated' }, 12);
  add('FaxSent', { callUuid: `${callUuid}-1`, attempts: 1, gateway: 'carrier1', pages, t38Status: 'negotiated', transferRate: 9600, sentAt: at(12 + pages * 25) }, 12 + pages * 25);
  if (kind < 0.7) notify(add, faxId, tenantId, 'FaxSent', 13 + pages * 25, random);
  return { faxId, events };
}

/** A webhook notification: sent at once, or after a failed attempt and a retry (times filled in from the event's, see fillTimes). */
function notify(add: (type: string, data: Record<string, unknown>, seconds: number) => void, faxId: string, tenantId: string, sourceType: string, seconds: number, random: () => number): void {
  const ref = { notificationId: `n-${faxId}`, tenantId, sourceEventId: `source-${faxId}`, sourceType, endpointId: 'endpoint-1', target: { channel: 'webhook', url: 'https://hooks.example/fax', style: 'json' } };
  if (random() < 0.2) {
    add('NotificationAttemptFailed', { ...ref, attempt: 1, failedAt: '', error: { kind: 'timeout', message: 'no answer in 10 s' }, permanent: false, nextAttemptAt: '' }, seconds);
  }
  add('NotificationSent', { ...ref, attempt: 1, sentAt: '', detail: { status: 200 } }, seconds + 60);
}

/**
 * Writes `faxHistory` streams straight into a new SQLite event store file (what a server would
 * have appended over the years), `concurrent` faxes interleaved at a time. Answers the events written.
 */
export function writeFaxHistory(path: string, options: FaxHistoryOptions): number {
  const db = new Database(path);
  prepareDatabase(db);
  db.pragma('synchronous = OFF');
  const insert = db.prepare('INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const concurrent = options.concurrent ?? 16;
  let written = 0;
  const writeGroup = db.transaction((group: Array<{ faxId: string; events: HistoryEvent[] }>) => {
    const revisions = group.map(() => 0);
    for (let more = true; more; ) {
      more = false;
      group.forEach((fax, slot) => {
        const event = fax.events[revisions[slot]!];
        if (!event) return;
        more = true;
        const data = fillTimes(event);
        insert.run(`${fax.faxId}-${revisions[slot]}`, `fax-${fax.faxId}`, revisions[slot]!, event.type, JSON.stringify(data), '{}', event.at);
        revisions[slot]!++;
        written++;
      });
    }
  });
  for (let index = 0; index < options.faxes; index += concurrent) {
    const group = [];
    for (let fax = index; fax < Math.min(options.faxes, index + concurrent); fax++) group.push(faxHistory(fax, options));
    writeGroup(group);
  }
  db.close();
  return written;
}

/** Notification events carry their own times: the event's. */
function fillTimes(event: HistoryEvent): Record<string, unknown> {
  const data = { ...event.data };
  for (const key of ['sentAt', 'failedAt']) if (data[key] === '') data[key] = event.at;
  if (data.nextAttemptAt === '') data.nextAttemptAt = new Date(Date.parse(event.at) + 60_000).toISOString();
  return data;
}

/** Fax `index` of the history folded straight through the fax projection: the document a read store must keep. */
export function foldedFaxView(index: number, options: FaxHistoryOptions): FaxView {
  const { faxId, events } = faxHistory(index, options);
  const view = stagedView({ get: () => undefined });
  events.forEach((event, position) => {
    if (!faxProjection.handles.includes(event.type)) return;
    for (const write of faxProjection.evolve(view, { ...event, stream: `fax-${faxId}`, position: position + 1, created: event.at })) view.write(write);
  });
  return view.get<FaxView>(faxCollections.faxes, faxId)!;
}
