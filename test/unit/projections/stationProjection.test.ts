import { describe, expect, it } from 'vitest';
import { stationCollections, stationProjection } from '../../../projections/stationProjection.js';
import type { QueryView } from '../../../projections/documentProjection.js';
import type { StationEvent, StationState } from '../../../src/domain/fax/stationKnowledge.js';

const at = '2026-01-01T00:00:00.000Z';

/** Folds station events the way the runner does, one at a time, into documents in memory. */
function fold(events: StationEvent[]): QueryView {
  const stations = new Map<string, unknown>();
  const view: QueryView = {
    get: <T>(collection: string, key: string) => (collection === stationCollections.stations ? (stations.get(key) as T | undefined) : undefined),
    all: <T>() => stations.values() as Iterable<T>,
  };
  events.forEach((event, index) => {
    for (const write of stationProjection.evolve(view, { ...event, stream: `station-${event.data.station}`, position: index + 1, created: at })) stations.set(write.key, write.doc);
  });
  return view;
}

const trouble = (station: string): StationEvent => ({ type: 'StationT38Trouble', data: { station, faxId: 'f', negotiations: 2, badRows: 0, resultCode: 48, at } });
const fallback = (station: string): StationEvent => ({ type: 'StationFallbackEnabled', data: { station, reason: 'two failures', by: 'policy', at } });

describe('station projection', () => {
  it('keeps one document per station, folded by the domain', () => {
    const view = fold([trouble('+15550000002'), trouble('+15550000001'), trouble('+15550000002'), fallback('+15550000002')]);
    expect(view.get<StationState>('stations', '+15550000002')).toEqual({ station: '+15550000002', needsAudio: true, troubles: 0, cleanAudioFaxes: 0, lastChangeAt: at, lastChangeReason: 'two failures' });
    expect(view.get<StationState>('stations', '+15550000001')).toMatchObject({ needsAudio: false, troubles: 1 });
    expect(stationProjection.historyCollections).toEqual(['stations']);
  });
});

describe('station projection after a station was forgotten', () => {
  it('starts the station afresh at the first event of its new stream', () => {
    const stations = new Map<string, unknown>();
    const view: QueryView = { get: <T>(_: string, key: string) => stations.get(key) as T | undefined, all: <T>() => stations.values() as Iterable<T> };
    const apply = (event: StationEvent, revision: number, position: number) => {
      for (const write of stationProjection.evolve(view, { ...event, stream: `station-${event.data.station}`, revision, position, created: at })) stations.set(write.key, write.doc);
    };
    apply(trouble('+15550000003'), 0, 1);
    apply(fallback('+15550000003'), 1, 2);
    expect(view.get<StationState>('stations', '+15550000003')).toMatchObject({ needsAudio: true });
    // Forgotten with a purged fax: its next lesson is revision 0 of a new stream.
    apply(trouble('+15550000003'), 0, 3);
    expect(view.get<StationState>('stations', '+15550000003')).toEqual({ station: '+15550000003', needsAudio: false, troubles: 1, cleanAudioFaxes: 0 });
  });
});
