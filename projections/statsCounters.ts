/**
 * What one statistics bucket counts. Every field is a plain count that sums across buckets (and
 * across gateways, stations, tenants or hours), so any window is the sum of the buckets it covers.
 * Stored sparse: a missing field is 0.
 */
export interface StatsCounters {
  /** Inbound faxes that finished (received, failed, or lost mid-call). */
  inbound?: number;
  /** Outbound faxes that finished (sent or given up). */
  outbound?: number;
  succeeded?: number;
  failed?: number;
  /** Outbound faxes cancelled by their submitter: neither a success nor a failure. */
  cancelled?: number;
  /** Of the successes, outbound ones: the denominator of attempts per success. */
  outboundSucceeded?: number;
  /** Pages that reached the far end (sending) or were written (receiving), in every call. */
  pages?: number;
  /** Of those, pages of calls whose transfer time is known (negotiation → last page). */
  timedPages?: number;
  /** Milliseconds from a call's first negotiation to its last page, summed over those calls. */
  transferMs?: number;
  /** Outbound call attempts that ended (sent, failed, or lost). */
  attempts?: number;
  /** Calls that negotiated a fax over T.38, and in audio (G.711 softmodem). */
  t38?: number;
  audio?: number;
  /** Outbound retries that switched from T.38 to audio after a failed T.38 attempt. */
  fallbacks?: number;
  /** Remote stations switched to audio (station knowledge): global and per-station buckets only. */
  stationFallbacks?: number;
  /** Failures by cause class: outbound outcome class (`busy`, `noAnswer`…) or inbound reason class (`page_transfer_failed`…). */
  causes?: Record<string, number>;
  /** Failed outbound call attempts by outcome class, whether or not a later attempt succeeded. */
  attemptCauses?: Record<string, number>;
}

type MapField = 'causes' | 'attemptCauses';
type CountField = Exclude<keyof StatsCounters, MapField>;
const mapFields: readonly MapField[] = ['causes', 'attemptCauses'];
const countFields: readonly CountField[] = [
  'inbound',
  'outbound',
  'succeeded',
  'failed',
  'cancelled',
  'outboundSucceeded',
  'pages',
  'timedPages',
  'transferMs',
  'attempts',
  't38',
  'audio',
  'fallbacks',
  'stationFallbacks',
];

/** `into` plus `delta`, as a new sparse object (zeros left out). */
export function addCounters(into: StatsCounters | undefined, delta: StatsCounters): StatsCounters {
  const sum: StatsCounters = {};
  for (const field of countFields) {
    const value = (into?.[field] ?? 0) + (delta[field] ?? 0);
    if (value !== 0) sum[field] = value;
  }
  for (const field of mapFields) {
    if (!into?.[field] && !delta[field]) continue;
    const causes: Record<string, number> = { ...into?.[field] };
    for (const [cause, count] of Object.entries(delta[field] ?? {})) causes[cause] = (causes[cause] ?? 0) + count;
    sum[field] = causes;
  }
  return sum;
}

/**
 * `from` less `delta`, sparse (zeros, causes included, left out): what a bucket holds once a
 * change it counted is taken out of it (a purged fax's station counts). Empty when nothing is left.
 */
export function subtractCounters(from: StatsCounters | undefined, delta: StatsCounters): StatsCounters {
  const left: StatsCounters = {};
  for (const field of countFields) {
    const value = (from?.[field] ?? 0) - (delta[field] ?? 0);
    if (value !== 0) left[field] = value;
  }
  for (const field of mapFields) {
    const causes: Record<string, number> = {};
    for (const [cause, count] of Object.entries(from?.[field] ?? {})) {
      const value = count - (delta[field]?.[cause] ?? 0);
      if (value !== 0) causes[cause] = value;
    }
    if (Object.keys(causes).length > 0) left[field] = causes;
  }
  return left;
}

export const isEmptyCounters = (counters: StatsCounters): boolean => Object.keys(counters).length === 0;

/** Adds `delta` into `into` in place: for the queries' sums, which own their accumulator. */
export function accumulate(into: StatsCounters, delta: StatsCounters): void {
  for (const field of countFields) {
    const value = delta[field];
    if (value) into[field] = (into[field] ?? 0) + value;
  }
  for (const field of mapFields) {
    const counts = delta[field];
    if (!counts) continue;
    const causes = (into[field] ??= {});
    for (const [cause, count] of Object.entries(counts)) causes[cause] = (causes[cause] ?? 0) + count;
  }
}

/** What the API answers for a set of buckets. */
export interface StatsFigures {
  faxes: { total: number; inbound: number; outbound: number };
  succeeded: number;
  failed: number;
  cancelled: number;
  /** succeeded / (succeeded + failed); null without finished faxes. */
  successRate: number | null;
  pages: number;
  /** Pages per minute of transfer time (first negotiation to last page), over calls with pages. */
  pagesPerMinute: number | null;
  attempts: number;
  /** Outbound call attempts per outbound fax sent. */
  attemptsPerSuccess: number | null;
  /** The five most frequent causes of failed faxes, most frequent first. */
  topFailureCauses: { cause: string; count: number }[];
  /** The five most frequent causes of failed outbound call attempts (retried or not). */
  topAttemptFailureCauses: { cause: string; count: number }[];
  transport: { t38: number; audio: number; t38Share: number | null };
  /** `stations` is null where it cannot be told (a tenant's view: station knowledge is not per tenant). */
  fallbacks: { t38ToAudio: number; stations: number | null };
}

const ratio = (numerator: number, denominator: number, digits = 4): number | null => (denominator > 0 ? round(numerator / denominator, digits) : null);
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The five largest counts, largest first (ties by name, so answers are stable). */
const top = (counts: Record<string, number> | undefined) =>
  Object.entries(counts ?? {})
    .filter(([, count]) => count > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, 5)
    .map(([cause, count]) => ({ cause, count }));

export function figuresOf(counters: StatsCounters, options: { stationFallbacks: boolean }): StatsFigures {
  const n = (field: CountField) => counters[field] ?? 0;
  const succeeded = n('succeeded');
  const failed = n('failed');
  return {
    faxes: { total: n('inbound') + n('outbound'), inbound: n('inbound'), outbound: n('outbound') },
    succeeded,
    failed,
    cancelled: n('cancelled'),
    successRate: ratio(succeeded, succeeded + failed),
    pages: n('pages'),
    pagesPerMinute: ratio(n('timedPages') * 60_000, n('transferMs'), 2),
    attempts: n('attempts'),
    attemptsPerSuccess: ratio(n('attempts'), n('outboundSucceeded'), 2),
    topFailureCauses: top(counters.causes),
    topAttemptFailureCauses: top(counters.attemptCauses),
    transport: { t38: n('t38'), audio: n('audio'), t38Share: ratio(n('t38'), n('t38') + n('audio')) },
    fallbacks: { t38ToAudio: n('fallbacks'), stations: options.stationFallbacks ? n('stationFallbacks') : null },
  };
}
