import type { StationEvent, StationState } from '../../domain/fax/stationKnowledge.js';
import { stationStream } from '../../domain/streams.js';
import type { Clock } from '../../ports/clock.js';
import type { EventMetadata, EventStore } from '../../ports/eventStore.js';

export interface StationFallbackDeps {
  stations: { state(e164: string): StationState | undefined };
  /** Resolves once the stations read model includes the appended lesson. */
  settle(e164: string, needsAudio: boolean): Promise<void>;
  eventStore: EventStore;
  clock: Clock;
}

/**
 * An administrator's word on a remote station: use audio instead of T.38 (`StationFallbackEnabled`)
 * or try T.38 again (`StationFallbackCleared`). The API's station routes and the console's
 * stations page both give it here; a change that changes nothing appends nothing.
 */
export function createStationFallback(deps: StationFallbackDeps) {
  const current = (station: string): StationState => deps.stations.state(station) ?? { station, needsAudio: false, troubles: 0, cleanAudioFaxes: 0 };

  async function change(station: string, type: 'StationFallbackEnabled' | 'StationFallbackCleared', reason: string, metadata?: EventMetadata): Promise<StationState> {
    if ((type === 'StationFallbackEnabled') !== current(station).needsAudio) {
      const event: StationEvent = { type, data: { station, reason, by: 'admin', at: deps.clock.now().toISOString() } };
      await deps.eventStore.append(stationStream(station), [metadata ? { ...event, metadata } : event]);
      await deps.settle(station, type === 'StationFallbackEnabled');
    }
    return current(station);
  }
  return { current, change };
}

export type StationFallback = ReturnType<typeof createStationFallback>;
