import { reactorEventParked, type ReactorEventParkedData } from '../domain/reactors/reactorEvents.js';
import { reactorStream } from '../domain/streams.js';
import type { EventStore, RecordedEvent } from '../ports/eventStore.js';

/** A parked event as the API lists it: what was parked, by which reactor, why, and when. */
export interface ParkedEvent extends ReactorEventParkedData {
  parkedAt: string;
}

/**
 * The events reactors gave up on, kept durably in `reactor-<name>` and in memory (they are few:
 * each is a bug or bad data someone has to look at). One log is shared by every reactor of a
 * process, so the admin API lists them all.
 */
export interface ParkedEventLog {
  /** Reads the reactor's parked events; call before its subscription starts. */
  load(reactor: string): Promise<void>;
  isParked(reactor: string, eventId: string): boolean;
  /** Records the event as parked (durably, before the reactor moves past it). */
  park(reactor: string, event: RecordedEvent, error: unknown, attempts: number): Promise<ParkedEvent>;
  /** Every parked event of the reactors loaded, oldest first. */
  all(): ParkedEvent[];
}

export function createParkedEventLog(eventStore: EventStore): ParkedEventLog {
  const byReactor = new Map<string, Map<string, ParkedEvent>>();
  const parkedOf = (reactor: string) => byReactor.get(reactor) ?? byReactor.set(reactor, new Map()).get(reactor)!;
  const remember = (recorded: RecordedEvent): ParkedEvent => {
    const parked = { ...(recorded.data as ReactorEventParkedData), parkedAt: recorded.created };
    parkedOf(parked.reactor).set(parked.eventId, parked);
    return parked;
  };

  return {
    async load(reactor) {
      if (byReactor.has(reactor)) return;
      parkedOf(reactor);
      for (const recorded of await eventStore.readStream(reactorStream(reactor))) {
        if (recorded.type === reactorEventParked) remember(recorded);
      }
    },
    isParked: (reactor, eventId) => byReactor.get(reactor)?.has(eventId) ?? false,
    async park(reactor, event, error, attempts) {
      const data: ReactorEventParkedData = {
        reactor,
        eventId: event.id,
        stream: event.stream,
        type: event.type,
        position: event.position,
        revision: event.revision,
        attempts,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      };
      const stream = reactorStream(reactor);
      const { nextExpectedRevision } = await eventStore.append(stream, [{ type: reactorEventParked, data, metadata: { causationId: event.id } }], 'any');
      // Read back for the time the store recorded: the log needs no clock of its own.
      const [recorded] = await eventStore.readStream(stream, { fromRevision: nextExpectedRevision, maxCount: 1 });
      return remember(recorded!);
    },
    all: () =>
      [...byReactor.values()]
        .flatMap((parked) => [...parked.values()])
        .sort((a, b) => (a.parkedAt < b.parkedAt ? -1 : a.parkedAt > b.parkedAt ? 1 : 0) || a.position - b.position),
  };
}
