import { performance } from 'node:perf_hooks';
import type { EventStore } from '../../ports/eventStore.js';
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
 * on, so counters derived from events count exactly what was stored. Everything else passes through.
 */
export function meteredEventStore(store: EventStore, meters: EventStoreMeters): EventStore {
  const metered: EventStore = {
    async append(stream, events, expected) {
      const started = performance.now();
      const result = await store.append(stream, events, expected);
      meters.metrics.observe('appendDuration', (performance.now() - started) / 1000);
      for (const event of events) meters.counted(event);
      meters.appended(stream, events.length, result.position);
      return result;
    },
    readStream: (stream, options) => store.readStream(stream, options),
    streamRevision: (stream) => store.streamRevision(stream),
    readAll: (options) => store.readAll(options),
    subscribeToAll: (options) => store.subscribeToAll(options),
    checkpoints: {
      load: (name) => store.checkpoints.load(name),
      async save(name, position) {
        await store.checkpoints.save(name, position);
        meters.checkpointSaved(name, position);
      },
    },
    ping: () => store.ping(),
    close: () => store.close(),
  };
  if (store.readAllData) metered.readAllData = (options) => store.readAllData!(options);
  if (store.appendsInCallOrder !== undefined) Object.defineProperty(metered, 'appendsInCallOrder', { value: store.appendsInCallOrder, enumerable: true });
  return metered;
}
