import { describe, expect, it } from 'vitest';
import { evolveStation, initialStationState, learnFromFax, type FaxOutcomeForStation, type StationState } from '../../../src/domain/fax/stationKnowledge.js';

const policy = { troublesBeforeFallback: 2, cleanAudioFaxesBeforeRetry: 2 };
const failedT38: FaxOutcomeForStation = { faxId: 'f', succeeded: false, t38Enabled: true, negotiations: 2, badRows: 0, resultCode: 48, at: 't' };
const cleanAudio: FaxOutcomeForStation = { faxId: 'g', succeeded: true, t38Enabled: false, negotiations: 1, badRows: 0, resultCode: 0, at: 't' };

function replay(outcomes: FaxOutcomeForStation[]): { state: StationState; types: string[] } {
  let state = initialStationState('+15550001111');
  const types: string[] = [];
  for (const outcome of outcomes) {
    for (const event of learnFromFax(state, outcome, policy)) {
      types.push(event.type);
      state = evolveStation(state, event);
    }
  }
  return { state, types };
}

describe('station knowledge', () => {
  it('switches a station to audio after two T.38 troubles', () => {
    expect(replay([failedT38]).state.needsAudio).toBe(false);
    const { state, types } = replay([failedT38, failedT38]);
    expect(types).toEqual(['StationT38Trouble', 'StationT38Trouble', 'StationFallbackEnabled']);
    expect(state).toMatchObject({ needsAudio: true, troubles: 0 });
  });

  it('counts bad rows as trouble, but not failures without T.38 or with one clean negotiation', () => {
    expect(replay([{ ...failedT38, negotiations: 1, badRows: 3 }]).types).toEqual(['StationT38Trouble']);
    expect(replay([{ ...failedT38, t38Enabled: false }]).types).toEqual([]);
    expect(replay([{ ...failedT38, negotiations: 1 }]).types).toEqual([]);
  });

  it('tries T.38 again after enough clean audio faxes', () => {
    const { state, types } = replay([failedT38, failedT38, cleanAudio, cleanAudio]);
    expect(types.slice(-3)).toEqual(['StationCleanAudioFax', 'StationCleanAudioFax', 'StationFallbackCleared']);
    expect(state.needsAudio).toBe(false);
  });
});
