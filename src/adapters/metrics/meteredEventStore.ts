import { performance } from 'node:perf_hooks';
import type { CheckpointStore, EventStore } from '../../ports/eventStore.js';
import type { Metrics } from '../../ports/metrics.js';
import type { AppendedEvent } from './eventMetrics.js';

export interface EventStoreMeters {
  metrics: Metrics;
  /** Every event whose append succeeded (the event-derived counters). */
  counted(event: AppendedEvent): void;
  /** Each successful append: its stream, event count and last position (the reactors' lag). */
  appended(stream: string, events: number, position: number): void;
  /** A subscriber saved its checkpoint (the reactors' positions). */
  checkpointSaved(name: string, position: number): void;
}

/**
 * The event store with metering: append latency, and the events of each successful append handed
 * on, so counters derived from events count exactly what was stored. Everything else is the
 * store's own (a proxy, so members added to the port later pass through without a change here).
 */
export function meteredEventStore(store: EventStore, meters: EventStoreMeters): EventStore {
  const append: EventStore['append'] = async (stream, events, expected) => {
    const started = performance.now();
    const result = await store.append(stream, events, expected);
    meters.metrics.observe('appendDuration', (performance.now() - started) / 1000);
    for (const event of events) meters.counted(event);
    meters.appended(stream, events.length, result.position);
    return result;
  };
  const checkpoints: CheckpointStore = {
    load: (name) => store.checkpoints.load(name),
    async save(name, position) {
      await store.checkpoints.save(name, position);
      meters.checkpointSaved(name, position);
    },
  };
  // Bound once per method: reads and subscriptions look methods up on every page they fetch.
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, property) {
      if (property === 'append') return append;
      if (property === 'checkpoints') return checkpoints;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      let method = bound.get(property);
      if (method === undefined) bound.set(property, (method = (value as (...args: unknown[]) => unknown).bind(target)));
      return method;
    },
  });
}
