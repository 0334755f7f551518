import type { RetentionLimits } from '../../domain/tenancy/validation.js';
import type { Clock } from '../../ports/clock.js';
import type { EventMetadata, EventStore } from '../../ports/eventStore.js';
import { createTenancyStreams, type TenancyStreams } from './tenancyStreams.js';

export interface TenancyCommandDeps {
  eventStore: EventStore;
  clock: Clock;
  /** ISO country for national-format numbers (config `numbers.defaultCountry`). */
  defaultCountry: string;
  hashPassword: (password: string) => Promise<string>;
  /** The operator's limits on a tenant's `retentionDays` (config `records.retention`); unset: none. */
  retentionLimits?: RetentionLimits;
  /** Resolves once the read models include the event at this position, so a command's response can be read back. */
  settle: (position: number) => Promise<void>;
}

export interface CommandContext extends TenancyCommandDeps {
  streams: TenancyStreams;
  now: () => string;
  /** Runs tenancy commands one at a time, so check-then-append never interleaves in this process. */
  serial: <T>(work: () => Promise<T>) => Promise<T>;
}

export function createCommandContext(deps: TenancyCommandDeps): CommandContext {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    ...deps,
    streams: createTenancyStreams(deps.eventStore),
    now: () => deps.clock.now().toISOString(),
    serial<T>(work: () => Promise<T>): Promise<T> {
      const run = tail.then(work, work);
      tail = run.catch(() => undefined);
      return run;
    },
  };
}

/**
 * The same commands on the same serial queue, every event they append (claims and id allocations
 * included) carrying `metadata`: who gave the command, so the event store says who did what.
 */
export function actingAs(ctx: CommandContext, metadata: EventMetadata): CommandContext {
  const store = ctx.eventStore;
  const eventStore: EventStore = Object.create(store, {
    append: { value: (stream: string, events: Parameters<EventStore['append']>[1], expected?: Parameters<EventStore['append']>[2]) => store.append(stream, events.map((event) => ({ ...event, metadata: { ...metadata, ...event.metadata } })), expected) },
  });
  return { ...ctx, eventStore, streams: createTenancyStreams(eventStore) };
}
