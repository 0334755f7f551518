import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CounterName, GaugeName, GaugeReading, HistogramName, MetricLabels, Metrics } from '../../ports/metrics.js';
import { createFastCounter, type FastCounter } from './fastCounter.js';
import { counterDefinitions, gaugeDefinitions, histogramDefinitions } from './metricDefinitions.js';

export interface PromMetrics {
  metrics: Metrics;
  /** The exposition in Prometheus's text format, and its content type. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

/**
 * The metrics port on prom-client, with a registry of its own (not prom-client's global one), so
 * that several servers in one process (tests) keep separate counts. The process and event-loop
 * metrics prom-client collects by default are included, under their standard names.
 */
export function createPromMetrics(options: { defaultMetrics?: boolean } = {}): PromMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) {
    // The event-loop delay is sampled every 50 ms, not prom-client's 10: 100 wake-ups a second
    // cost an idle server ~3 ms of CPU a second, and stalls worth knowing about last longer.
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 50 });
    // Gauges named like counters, which `promtool check metrics` rejects; the same totals are the
    // sum over `type` of nodejs_active_handles / _requests / _resources, which stay.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
  }
  // Counters carry the tenant label (thousands of series): rendered by our own family, appended to prom-client's text.
  const counters = new Map<CounterName, FastCounter>();
  for (const [key, definition] of Object.entries(counterDefinitions)) counters.set(key as CounterName, createFastCounter(definition));
  const histograms = new Map<HistogramName, Histogram>();
  for (const [key, definition] of Object.entries(histogramDefinitions)) {
    histograms.set(
      key as HistogramName,
      new Histogram({ name: definition.name, help: definition.help, labelNames: [...definition.labelNames], buckets: definition.buckets, registers: [registry] }),
    );
  }
  const readers = new Map<GaugeName, Array<() => GaugeReading>>();
  for (const [key, definition] of Object.entries(gaugeDefinitions)) {
    const name = key as GaugeName;
    new Gauge({
      name: definition.name,
      help: definition.help,
      labelNames: [...definition.labelNames],
      registers: [registry],
      // Read at scrape time only; label sets that went away (a gateway no longer used) go with the reset.
      collect() {
        this.reset();
        for (const read of readers.get(name) ?? []) {
          const reading = read();
          if (typeof reading === 'number') this.set(reading);
          else for (const [labels, value] of reading) this.set(labels as Record<string, string>, value);
        }
      },
    });
  }

  const metrics: Metrics = {
    count(name: CounterName, labels?: MetricLabels, value = 1) {
      counters.get(name)!.inc(labels, value);
    },
    observe(name: HistogramName, value: number, labels?: MetricLabels) {
      const histogram = histograms.get(name)!;
      if (labels) histogram.observe(labels as Record<string, string>, value);
      else histogram.observe(value);
    },
    gauge(name: GaugeName, read: () => GaugeReading) {
      const list = readers.get(name) ?? [];
      list.push(read);
      readers.set(name, list);
    },
  };
  return {
    metrics,
    async scrape() {
      let body = await registry.metrics();
      for (const counter of counters.values()) body += counter.render();
      return { contentType: registry.contentType, body };
    },
  };
}
