import type { Channel } from './channel.js';
import type { EventFactory } from './eventFactory.js';
import type { EventHub } from './eventHub.js';
import type { ModDb } from './modDb.js';
import type { Scenario } from './scenario.js';
import type { SimClock } from './simClock.js';

/** A dialplan application: gets the expanded argument, may set `current_application_response`. */
export type Application = (ctx: SimContext, channel: Channel, arg: string) => Promise<void>;

/** Live channels by uuid, with a way to wait until none is left. */
export class ChannelRegistry {
  private readonly channels = new Map<string, Channel>();
  private idleWaiters: Array<() => void> = [];
  sessionsSinceStartup = 0;
  peak = 0;

  add(channel: Channel): void {
    this.channels.set(channel.uuid, channel);
    this.sessionsSinceStartup++;
    this.peak = Math.max(this.peak, this.channels.size);
  }

  remove(channel: Channel): void {
    this.channels.delete(channel.uuid);
    if (this.channels.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  get(uuid: string): Channel | undefined {
    return this.channels.get(uuid);
  }

  has(uuid: string): boolean {
    return this.channels.has(uuid);
  }

  list(): Channel[] {
    return [...this.channels.values()];
  }

  get size(): number {
    return this.channels.size;
  }

  whenEmpty(): Promise<void> {
    if (this.channels.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}

/** Everything the simulated FreeSWITCH core shares: passed explicitly, never global. */
export interface SimContext {
  hub: EventHub;
  events: EventFactory;
  clock: SimClock;
  channels: ChannelRegistry;
  scenario: Scenario;
  db: ModDb;
  applications: ReadonlyMap<string, Application>;
  startedAt: number;
}
