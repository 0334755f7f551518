import type { EslEvent, EventFormat } from './eslEvent.js';
import { EVENT_NAMES } from './eventNames.js';

const FORMATS: ReadonlySet<string> = new Set(['plain', 'json', 'xml']);

/**
 * The `event`/`nixevent`/`noevents` state of one connection, with FreeSWITCH's token rules
 * (reference §1.6): the format word counts only as the first token, every token after `CUSTOM`
 * is a subclass name, `ALL` includes every custom subclass.
 */
export class Subscription {
  format: EventFormat = 'plain';
  private all = false;
  private readonly types = new Set<string>();
  private readonly subclasses = new Set<string>();

  get isEmpty(): boolean {
    return !this.all && this.types.size === 0;
  }

  /** Applies `event <tokens>`; returns the Reply-Text. */
  subscribe(tokens: string[]): string {
    const rest = [...tokens];
    const first = rest[0]?.toLowerCase();
    if (first !== undefined && FORMATS.has(first)) {
      this.format = first as EventFormat;
      rest.shift();
    }
    let keys = 0;
    let custom = false;
    for (const token of rest) {
      if (custom) {
        this.subclasses.add(token);
        continue;
      }
      const name = token.toUpperCase();
      if (name === 'ALL') {
        this.all = true;
        keys++;
      } else if (EVENT_NAMES.has(name)) {
        this.types.add(name);
        keys++;
        if (name === 'CUSTOM') custom = true;
      }
    }
    return keys === 0 ? '-ERR no keywords supplied' : `+OK event listener enabled ${this.format}`;
  }

  /** Adds the fixed type set of `myevents` (reference §1.6). */
  addTypes(names: readonly string[]): void {
    for (const name of names) this.types.add(name);
  }

  /** Applies `nixevent <tokens>`; ALL is first expanded to every type, as FreeSWITCH does. */
  unsubscribe(tokens: string[]): string {
    let keys = 0;
    let custom = false;
    for (const token of tokens) {
      if (custom) {
        this.subclasses.delete(token);
        continue;
      }
      const name = token.toUpperCase();
      if (name !== 'ALL' && !EVENT_NAMES.has(name)) continue;
      keys++;
      if (this.all) {
        this.all = false;
        for (const type of EVENT_NAMES) this.types.add(type);
      }
      if (name === 'ALL') this.types.clear();
      else this.types.delete(name);
      if (name === 'CUSTOM') custom = true;
    }
    return keys === 0 ? '-ERR no keywords supplied' : '+OK events nixed';
  }

  /** Applies `noevents`; returns whether anything was subscribed. */
  clear(): boolean {
    const had = !this.isEmpty || this.subclasses.size > 0;
    this.all = false;
    this.types.clear();
    this.subclasses.clear();
    return had;
  }

  wants(event: EslEvent): boolean {
    if (this.all) return true;
    if (!this.types.has(event.name)) return false;
    if (event.name !== 'CUSTOM') return true;
    return event.subclass === undefined || this.subclasses.has(event.subclass);
  }
}
