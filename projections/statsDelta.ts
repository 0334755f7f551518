import type { ProjectedEvent } from './documentProjection.js';
import type { StatsCounters } from './statsCounters.js';
import type { StatsFact } from './statsProjection.js';

/** What the statistics keep of a fax until it ends: where its later events count. */
export interface FaxInFlight {
  direction: 'inbound' | 'outbound';
  tenantId?: string;
  /** The remote station: the caller (inbound) or the destination (outbound). */
  station?: string;
  /** The carrier gateway of the call: the one it arrived on, or the current attempt's. */
  gateway?: string;
  answered?: boolean;
  /** Whether the current outbound attempt may use T.38 (its transport). */
  t38Allowed?: boolean;
  /** The current call's first negotiation and last page (event times). */
  negotiatedAt?: string;
  lastPageAt?: string;
  t38Status?: string;
  /** The keys of the facts counted so far in the station's series (see statsCollections.stationFacts). */
  stationFacts?: string[];
}

export interface StatsDelta {
  facts: StatsFact[];
  /** The fax's next state: undefined leaves it as it is, null deletes it (the fax ended). */
  fax?: FaxInFlight | null;
}

type Data = Record<string, unknown>;
const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const unchanged: StatsDelta = { facts: [] };

/** The counted changes one fax event makes, and the fax's next in-flight state. */
export function statsDelta(fax: FaxInFlight | undefined, event: ProjectedEvent, stationOf: (raw: string) => string): StatsDelta {
  const data = (event.data ?? {}) as Data;
  switch (event.type) {
    case 'FaxCallOffered': {
      const caller = str(data.callerNumber);
      return { facts: [], fax: { direction: 'inbound', ...(caller ? { station: stationOf(caller) } : {}) } };
    }
    case 'FaxQueued':
      return { facts: [], fax: { direction: 'outbound', ...only({ tenantId: str(data.tenantId), station: str(data.to) }) } };
    // Rejected, bridged (the fax result is the far end's) and unanswered calls are not counted.
    case 'FaxCallRejected':
    case 'FaxBridged':
      return { facts: [], fax: null };
    case 'FaxCallEnded':
      return fax && fax.direction === 'inbound' && !fax.answered ? { facts: [], fax: null } : unchanged;
  }
  if (!fax) return unchanged;
  const dims = only({ tenantId: fax.tenantId, gateway: fax.gateway, station: fax.station });
  switch (event.type) {
    case 'FaxCallAnswered':
      if (fax.direction !== 'inbound') return unchanged;
      return { facts: [], fax: { ...fax, ...only({ tenantId: str(data.tenantId), gateway: str(data.sourceGateway) }), answered: true } };
    case 'FaxSendAttemptStarted':
      return { facts: [], fax: newCall({ ...fax, ...only({ gateway: str(data.gateway) }), t38Allowed: transportT38(data) ?? fax.t38Allowed }) };
    case 'FaxDialOverridesApplied':
      return { facts: [], fax: { ...fax, t38Allowed: transportT38(data) ?? fax.t38Allowed } };
    case 'FaxNegotiated':
      return { facts: [], fax: { ...fax, negotiatedAt: fax.negotiatedAt ?? event.created, ...only({ t38Status: str(data.t38Status) }) } };
    case 'FaxPageTransferred':
      return { facts: [], fax: { ...fax, lastPageAt: event.created } };
    case 'FaxReceived':
      return { facts: [{ ...dims, counters: { inbound: 1, succeeded: 1, ...call(fax, event, num(data.pages), str(data.t38Status), true) } }], fax: null };
    case 'FaxReceiveFailed': {
      const counters = { inbound: 1, failed: 1, causes: { [str(data.reasonClass) ?? 'unknown']: 1 } };
      return { facts: [{ ...dims, counters: { ...counters, ...call(fax, event, num(data.pagesReceived), str(data.t38Status), num(data.negotiations) > 0) } }], fax: null };
    }
    case 'FaxReceiveInterrupted':
      return { facts: [{ ...dims, counters: { inbound: 1, failed: 1, causes: { interrupted: 1 }, ...call(fax, event, num(data.pagesReceived), fax.t38Status, fax.negotiatedAt !== undefined) } }], fax: null };
    case 'FaxSendAttemptFailed':
    case 'FaxSendAttemptInterrupted': {
      const gateway = str(data.gateway) ?? fax.gateway;
      const negotiated = event.type === 'FaxSendAttemptFailed' ? num(data.negotiations) > 0 : fax.negotiatedAt !== undefined;
      const t38Status = str(data.t38Status) ?? fax.t38Status;
      const cause = event.type === 'FaxSendAttemptFailed' ? (str(data.outcomeClass) ?? 'unknown') : 'interrupted';
      const counters = { attempts: 1, attemptCauses: { [cause]: 1 }, ...call(fax, event, num(data.pagesSent), t38Status, negotiated) };
      return { facts: [{ ...dims, ...only({ gateway }), counters }], fax: { ...newCall(fax), ...only({ gateway }) } };
    }
    case 'FaxRetryScheduled': {
      // The failed attempt could use T.38 and the next one may not: a fallback to audio.
      const next = transportT38(data);
      if (fax.t38Allowed !== true || next !== false) return { facts: [], fax: { ...fax, ...(next === undefined ? {} : { t38Allowed: next }) } };
      return { facts: [{ ...dims, counters: { fallbacks: 1 } }], fax: { ...fax, t38Allowed: false } };
    }
    case 'FaxSent': {
      const gateway = str(data.gateway) ?? fax.gateway;
      const counters: StatsCounters = { outbound: 1, succeeded: 1, outboundSucceeded: 1, attempts: 1, ...call(fax, event, num(data.pages), str(data.t38Status), true) };
      return { facts: [{ ...dims, ...only({ gateway }), counters }], fax: null };
    }
    case 'FaxFailed':
      return { facts: [{ ...dims, counters: { outbound: 1, failed: 1, causes: { [str(data.outcomeClass) ?? 'unknown']: 1 } } }], fax: null };
    case 'FaxCancelled':
      return { facts: [{ ...dims, counters: { cancelled: 1 } }], fax: null };
  }
  return unchanged;
}

/** A call's pages, transfer time (first negotiation to last page, or to its end) and transport. */
function call(fax: FaxInFlight, event: ProjectedEvent, pages: number, t38Status: string | undefined, negotiated: boolean): StatsCounters {
  const counters: StatsCounters = {};
  if (pages > 0) counters.pages = pages;
  const start = fax.negotiatedAt === undefined ? NaN : Date.parse(fax.negotiatedAt);
  const end = Date.parse(fax.lastPageAt ?? event.created);
  if (pages > 0 && Number.isFinite(start) && Number.isFinite(end) && end > start) {
    counters.timedPages = pages;
    counters.transferMs = end - start;
  }
  if (negotiated || pages > 0) {
    if (t38Status === 'negotiated' || t38Status === 'requested') counters.t38 = 1;
    else counters.audio = 1;
  }
  return counters;
}

/** The fax without the previous call's progress. */
function newCall(fax: FaxInFlight): FaxInFlight {
  const { negotiatedAt: _negotiated, lastPageAt: _page, t38Status: _status, ...rest } = fax;
  return rest;
}

function transportT38(data: Data): boolean | undefined {
  const t38 = (data.transport as { t38?: unknown } | undefined)?.t38;
  return typeof t38 === 'boolean' ? t38 : undefined;
}

/** The fields that have a value (documents stay JSON-equal after a rebuild: no `undefined` keys). */
function only<T extends Record<string, string | undefined>>(fields: T): { [K in keyof T]?: string } {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out as { [K in keyof T]?: string };
}
