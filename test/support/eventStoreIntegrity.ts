import Database from 'better-sqlite3';

/** The last event of a fax stream that has not reached its terminal event. */
export interface OpenFaxStream {
  stream: string;
  lastType: string;
}

export interface EventStoreIntegrity {
  /** Each broken rule, naming the stream, revision and position. */
  violations: string[];
  events: number;
  faxStreams: number;
  openFaxStreams: OpenFaxStream[];
}

// Events another component may append to a fax's stream after the fax's own last word.
const notification = /^Notification[A-Z][A-Za-z]*$/;
const afterOutboundEnd = (type: string) => notification.test(type);
const afterInboundEnd = (type: string) => notification.test(type) || type === 'FaxRelayed' || type === 'FaxRouted';
// A fax is routed (its deliveries planned) and relayed once, or its recipients hear of it twice.
const once = new Set(['FaxRouted', 'FaxRelayed']);
// What ends an attempt's call, as far as the stream tells: before another attempt may start.
const attemptEnds = new Set(['FaxSendAttemptFailed', 'FaxSendAttemptInterrupted', 'FaxSent', 'FaxFailed', 'FaxCancelled']);

const outboundTerminal = new Set(['FaxSent', 'FaxFailed', 'FaxCancelled']);
const inboundOutcomes = new Set(['FaxCallRejected', 'FaxReceived', 'FaxReceiveFailed', 'FaxReceiveInterrupted', 'FaxBridged']);

interface Row {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
}

interface FaxState {
  direction: 'inbound' | 'outbound' | 'unknown';
  ended: string | undefined;
  outcome: string | undefined;
  attempts: number;
  attemptOpen: boolean;
  seen: Set<string>;
  lastType: string;
}

/**
 * Checks the SQLite event store file of a stopped faxengine: SQLite's own integrity check, then the
 * store's rules (positions strictly increasing, each stream's revisions 0..n-1 in append order,
 * readable data) and the fax streams' grammar (first event, one outcome, nothing but notifications,
 * routing and relaying after the terminal event, each of those two once, attempts numbered 1, 2,
 * 3… and each ended before the next starts).
 */
export function checkEventStore(path: string): EventStoreIntegrity {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  const violations: string[] = [];
  try {
    const integrity = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    const problems = integrity.map((row) => row.integrity_check).filter((text) => text !== 'ok');
    for (const problem of problems) violations.push(`sqlite integrity_check: ${problem}`);

    const revisions = new Map<string, number>();
    const faxes = new Map<string, FaxState>();
    let lastPosition = 0;
    let events = 0;
    const rows = db.prepare('SELECT position, id, stream, revision, type, data FROM events ORDER BY position').iterate() as IterableIterator<Row>;
    for (const row of rows) {
      events += 1;
      const at = `${row.stream}@${row.revision} (position ${row.position}, ${row.type})`;
      if (row.position <= lastPosition) violations.push(`${at}: position not after ${lastPosition}`);
      lastPosition = row.position;
      const expected = revisions.get(row.stream) ?? 0;
      if (row.revision !== expected) violations.push(`${at}: revision ${row.revision} where ${expected} was due (gap or reorder)`);
      revisions.set(row.stream, Math.max(expected, row.revision) + 1);
      let data: Record<string, unknown> = {};
      try {
        data = JSON.parse(row.data) as Record<string, unknown>;
      } catch {
        violations.push(`${at}: data is not JSON`);
      }
      if (row.stream.startsWith('fax-')) checkFaxEvent(faxes, row, data, at, violations);
    }
    const openFaxStreams = [...faxes].filter(([, fax]) => fax.ended === undefined).map(([stream, fax]) => ({ stream, lastType: fax.lastType }));
    return { violations, events, faxStreams: faxes.size, openFaxStreams };
  } finally {
    db.close();
  }
}

function checkFaxEvent(faxes: Map<string, FaxState>, row: Row, data: Record<string, unknown>, at: string, violations: string[]): void {
  let fax = faxes.get(row.stream);
  if (!fax) {
    const direction = row.type === 'FaxQueued' ? 'outbound' : row.type === 'FaxCallOffered' ? 'inbound' : 'unknown';
    if (direction === 'unknown') violations.push(`${at}: a fax stream must start with FaxQueued or FaxCallOffered`);
    fax = { direction, ended: undefined, outcome: undefined, attempts: 0, attemptOpen: false, seen: new Set(), lastType: row.type };
    faxes.set(row.stream, fax);
  } else if (row.type === 'FaxQueued' || row.type === 'FaxCallOffered') {
    violations.push(`${at}: ${row.type} again after the stream began`);
  }
  if (once.has(row.type) && fax.seen.has(row.type)) violations.push(`${at}: ${row.type} a second time`);
  fax.seen.add(row.type);
  fax.lastType = row.type;
  if (fax.ended !== undefined) {
    const allowed = fax.direction === 'outbound' ? afterOutboundEnd(row.type) : afterInboundEnd(row.type);
    if (!allowed) violations.push(`${at}: after the terminal ${fax.ended}`);
    return;
  }
  if (fax.direction === 'outbound') {
    if (row.type === 'FaxSendAttemptStarted') {
      if (fax.attemptOpen) violations.push(`${at}: attempt ${String(data.attempt)} started while attempt ${fax.attempts} never ended`);
      fax.attempts += 1;
      fax.attemptOpen = true;
      if (data.attempt !== fax.attempts) violations.push(`${at}: attempt ${String(data.attempt)} where ${fax.attempts} was due`);
    }
    if (attemptEnds.has(row.type)) fax.attemptOpen = false;
    if (outboundTerminal.has(row.type)) fax.ended = row.type;
    return;
  }
  if (inboundOutcomes.has(row.type)) {
    if (fax.outcome !== undefined) violations.push(`${at}: a second outcome after ${fax.outcome}`);
    fax.outcome ??= row.type;
  }
  if (row.type === 'FaxCallEnded') fax.ended = row.type;
}
