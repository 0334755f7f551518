/**
 * The metrics port: what the runtime, reactors and adapters report for Prometheus, by name. The
 * names are a closed set so that a typo is a compile error and every metric has one definition
 * (name, help, labels, buckets) in the adapter (`adapters/metrics`). `noMetrics` does nothing, so
 * code that is not wired to metrics (tests, tools) needs no change.
 */

/** Label values by label name; values are bounded sets (gateways, classes), never ids. */
export type MetricLabels = Readonly<Record<string, string>>;

export type CounterName =
  | 'faxes'
  | 'sendAttempts'
  | 'pages'
  | 'negotiations'
  | 'inboundCallsRejected'
  | 'notificationsSent'
  | 'notificationRetries'
  | 'notificationsDeadLettered'
  | 'conversionFailures'
  | 'admissionDeferrals'
  | 'socketsRefused'
  | 'faxesPurged';

export type HistogramName = 'conversionDuration' | 'appendDuration';

export type GaugeName =
  | 'callsInProgress'
  | 'sendChannelsInUse'
  | 'sendQueue'
  | 'sendQueueOldestAge'
  | 'reactorLag'
  | 'reactorActive'
  | 'freeswitchUp'
  | 'freeswitchConnected'
  | 'purgesPending'
  | 'encryptionItemsUnderOldKeys';

/** What a gauge reads when scraped: one value, or one value per label set. */
export type GaugeReading = number | Iterable<readonly [MetricLabels, number]>;

export interface Metrics {
  /** Adds `value` (default 1) to a counter. */
  count(name: CounterName, labels?: MetricLabels, value?: number): void;
  /** Records one observation in a histogram, in base units (seconds). */
  observe(name: HistogramName, value: number, labels?: MetricLabels): void;
  /**
   * Sets how a gauge is read: called at each scrape (so it costs nothing between scrapes). A
   * gauge read by several sources (e.g. calls in progress, inbound and outbound) gets one reader
   * per source, each answering its own label sets.
   */
  gauge(name: GaugeName, read: () => GaugeReading): void;
}

/** Metrics off: every call does nothing. */
export const noMetrics: Metrics = {
  count: () => undefined,
  observe: () => undefined,
  gauge: () => undefined,
};
