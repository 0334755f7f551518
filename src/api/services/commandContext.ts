import type { Clock } from '../../ports/clock.js';
import type { EventStore } from '../../ports/eventStore.js';
import { createTenancyStreams, type TenancyStreams } from './tenancyStreams.js';

export interface TenancyCommandDeps {
  eventStore: EventStore;
  clock: Clock;
  /** ISO country for national-format numbers (config `numbers.defaultCountry`). */
  defaultCountry: string;
  hashPassword: (password: string) => Promise<string>;
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
