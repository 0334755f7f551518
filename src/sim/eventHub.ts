import type { EslEvent } from './eslEvent.js';

/** Anything that receives events: an ESL connection or an in-process observer. */
export interface EventSink {
  deliver(event: EslEvent): void;
}

/** The ids an event can be routed by: its channel, or a background job and the job's owner. */
function routingKeys(event: EslEvent): string[] {
  if (event.uniqueId !== undefined) return [event.uniqueId];
  if (event.name !== 'BACKGROUND_JOB') return [];
  const keys: string[] = [];
  const job = event.get('Job-UUID');
  const owner = event.get('Job-Owner-UUID');
  if (job !== undefined) keys.push(job);
  if (owner !== undefined) keys.push(owner);
  return keys;
}

/**
 * The core event dispatcher. Sinks that can only want events of known ids (filtered on
 * Unique-ID/Job-UUID, or `myevents`) are indexed by those ids, so an event costs
 * O(interested sinks), not O(all connections) — the simulator must not limit benchmarks.
 */
export class EventHub {
  private readonly broad = new Set<EventSink>();
  private readonly byKey = new Map<string, Set<EventSink>>();
  private readonly routes = new Map<EventSink, string[] | undefined>();
  private fired = 0;

  get eventsFired(): number {
    return this.fired;
  }

  /**
   * Registers a sink; `keys` undefined means it may want any event, otherwise only events whose
   * Unique-ID, Job-UUID or Job-Owner-UUID is one of `keys` (none at all for an empty list).
   */
  route(sink: EventSink, keys: string[] | undefined): void {
    this.remove(sink);
    this.routes.set(sink, keys);
    if (keys === undefined) {
      this.broad.add(sink);
      return;
    }
    for (const key of keys) {
      let set = this.byKey.get(key);
      if (!set) this.byKey.set(key, (set = new Set()));
      set.add(sink);
    }
  }

  remove(sink: EventSink): void {
    this.broad.delete(sink);
    for (const key of this.routes.get(sink) ?? []) {
      const set = this.byKey.get(key);
      set?.delete(sink);
      if (set?.size === 0) this.byKey.delete(key);
    }
    this.routes.delete(sink);
  }

  fire(event: EslEvent): void {
    this.fired++;
    const targets = new Set(this.broad);
    for (const key of routingKeys(event)) for (const sink of this.byKey.get(key) ?? []) targets.add(sink);
    for (const sink of targets) sink.deliver(event);
  }
}
