import { evolveStation, initialStationState, type StationEvent, type StationForgottenEvent, type StationState } from '../src/domain/fax/stationKnowledge.js';
import { put, remove, type DocumentProjection } from './documentProjection.js';

/** What we learned about each remote fax station: E.164 → StationState. */
export const stationCollections = { stations: 'stations' } as const;

const handles: readonly (StationEvent | StationForgottenEvent)['type'][] = ['StationT38Trouble', 'StationFallbackEnabled', 'StationCleanAudioFax', 'StationFallbackCleared', 'StationForgotten'];

/**
 * Station knowledge (`station-<e164>` streams, stored under a pseudonym) as a checkpointed read model: one document per
 * station, keyed by E.164, folded by the domain's `evolveStation`. Stations accumulate with history,
 * so the collection is declared a history collection.
 */
export const stationProjection: DocumentProjection = {
  name: 'stations',
  handles,
  historyCollections: [stationCollections.stations],
  init: () => [],
  evolve(view, event) {
    const station = event as unknown as StationEvent;
    const key = (station.data as { station?: unknown } | undefined)?.station;
    // A malformed event must not stop the runner that folds every read model.
    if (typeof key !== 'string' || key === '') return [];
    // A purge forgot the station (README: What a purge leaves).
    if (event.type === 'StationForgotten') return [remove(stationCollections.stations, key)];
    // A station stream's first event starts the knowledge afresh: a forgotten station's key is gone
    // with its old stream, and it is learnt again in a new one (README: Crypto-shredding).
    const current = (event.revision !== 0 && view.get<StationState>(stationCollections.stations, key)) || initialStationState(key);
    return [put(stationCollections.stations, key, evolveStation(current, station))];
  },
};
