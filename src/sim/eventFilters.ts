import type { EslEvent } from './eslEvent.js';

interface Filter {
  header: string;
  value: string;
  negative: boolean;
  matches: (candidate: string) => boolean;
}

/** Headers the hub routes on (see EventHub). */
const ROUTABLE_HEADERS: ReadonlySet<string> = new Set(['unique-id', 'job-uuid']);

function compile(raw: string): Pick<Filter, 'negative' | 'matches'> {
  const negative = raw.startsWith('-');
  const value = raw.startsWith('-') || raw.startsWith('+') ? raw.slice(1) : raw;
  const regex = /^\/(.*)\/([is]*)$/s.exec(value);
  if (regex) {
    const pattern = new RegExp(regex[1] ?? '', regex[2] ?? '');
    return { negative, matches: (candidate) => pattern.test(candidate) };
  }
  const wanted = value.toLowerCase();
  return { negative, matches: (candidate) => candidate.toLowerCase() === wanted };
}

/**
 * `filter` state of a connection (reference §1.6): once a filter exists, an event passes only if
 * a positive filter matches a header it has and no negative filter matches; events that lack
 * every filtered header are dropped.
 */
export class EventFilters {
  private readonly filters: Filter[] = [];

  get isEmpty(): boolean {
    return this.filters.length === 0;
  }

  add(header: string, value: string): void {
    this.filters.push({ header, value, ...compile(value) });
  }

  /** `filter delete <header> [<value>]`, `filter delete all`. */
  delete(header: string, value: string | undefined): void {
    if (header.toLowerCase() === 'all') {
      this.filters.length = 0;
      return;
    }
    for (let i = this.filters.length - 1; i >= 0; i--) {
      const filter = this.filters[i] as Filter;
      if (filter.header.toLowerCase() !== header.toLowerCase()) continue;
      if (value === undefined || filter.value === value) this.filters.splice(i, 1);
    }
  }

  passes(event: EslEvent): boolean {
    if (this.filters.length === 0) return true;
    let accepted = false;
    for (const filter of this.filters) {
      const candidate = event.get(filter.header);
      if (candidate === undefined || !filter.matches(candidate)) continue;
      if (filter.negative) return false;
      accepted = true;
    }
    return accepted;
  }

  /**
   * The ids (Unique-ID or Job-UUID filter values) an event must carry to pass, or undefined when
   * any event might: lets the hub skip connections that filter on one channel.
   */
  routeKeys(): string[] | undefined {
    if (this.filters.length === 0) return undefined;
    const keys: string[] = [];
    for (const filter of this.filters) {
      const header = filter.header.toLowerCase();
      if (filter.negative || !ROUTABLE_HEADERS.has(header) || filter.value.startsWith('/')) return undefined;
      keys.push(filter.value.replace(/^\+/, ''));
    }
    return keys;
  }
}
