import { createEventMetrics } from './adapters/metrics/eventMetrics.js';
import { createLabelCap } from './adapters/metrics/labelCap.js';
import { meteredEventStore } from './adapters/metrics/meteredEventStore.js';
import { createPromMetrics } from './adapters/metrics/promMetrics.js';
import { createReactorLag } from './adapters/metrics/reactorLag.js';
import type { MetricsRouteDeps } from './api/routes/metricsRoutes.js';
import type { Config } from './config/schema.js';
import type { EventStore } from './ports/eventStore.js';
import { noMetrics, type Metrics } from './ports/metrics.js';

export interface ServerMetrics {
  metrics: Metrics;
  /** The event store with append latency and the event-derived counters (as is when metrics are off). */
  meter(store: EventStore): EventStore;
  /**
   * Follows a reactor's lag: its streams and its position; without `position`, the position of the
   * event-store checkpoint of that name, as it is saved. While `active` answers false (another
   * instance runs the reactor) its lag here reads 0.
   */
  trackReactor(name: string, prefixes: readonly string[], position?: () => number, active?: () => boolean): void;
  /** The `/metrics` route's dependencies; undefined when metrics are off. */
  route: MetricsRouteDeps | undefined;
}

/** Part of the composition root: Prometheus metrics on prom-client, or nothing when `metrics.enabled` is off. */
export function createServerMetrics(config: Config): ServerMetrics {
  if (!config.metrics.enabled) return { metrics: noMetrics, meter: (store) => store, trackReactor: () => undefined, route: undefined };
  const prom = createPromMetrics();
  const counted = createEventMetrics(prom.metrics, createLabelCap(config.metrics.maxTenantLabels));
  const lag = createReactorLag();
  const saved = new Map<string, number>();
  prom.metrics.gauge('reactorLag', () => lag.read());
  return {
    metrics: prom.metrics,
    meter: (store) =>
      meteredEventStore(store, {
        metrics: prom.metrics,
        counted,
        appended: (stream, events, position) => lag.appended(stream, events, position),
        checkpointSaved: (name, position) => saved.set(name, position),
      }),
    trackReactor: (name, prefixes, position, active) => {
      const at = position ?? (() => saved.get(name) ?? 0);
      lag.track(name, prefixes, active ? () => (active() ? at() : Number.POSITIVE_INFINITY) : at);
    },
    route: {
      scrape: () => prom.scrape(),
      ...(config.metrics.bearerToken ? { bearerToken: config.metrics.bearerToken } : {}),
      allowFrom: config.metrics.allowFrom,
      trustedProxies: config.auth.trustedProxies,
    },
  };
}
