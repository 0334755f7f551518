/**
 * What we learn about remote fax stations (the original's "softmodem fallback", done better):
 * T.38 trouble with a station switches its later calls to audio (G.711 softmodem), and after
 * enough clean audio faxes — or an admin's word — T.38 is tried again. Stream: `station-<e164>`.
 */
export type StationEvent =
  | {
      type: 'StationT38Trouble';
      data: { station: string; faxId: string; negotiations: number; badRows: number; resultCode: number; at: string };
    }
  | { type: 'StationFallbackEnabled'; data: { station: string; reason: string; by: 'policy' | 'admin'; at: string } }
  | { type: 'StationCleanAudioFax'; data: { station: string; faxId: string; at: string } }
  | { type: 'StationFallbackCleared'; data: { station: string; reason: string; by: 'policy' | 'admin'; at: string } };

/**
 * A purge forgot what was learnt about a station (its number is the purged fax's remote party).
 * Appended to the station's stream just before its key is destroyed, so every instance's read model
 * drops the station; a rebuild, which reads the number as empty, never has it. Not a StationEvent:
 * it ends the knowledge rather than changing it.
 */
export interface StationForgottenEvent {
  type: 'StationForgotten';
  data: { station: string; faxId: string; at: string };
}

export interface StationState {
  station: string;
  needsAudio: boolean;
  /** T.38 troubles since the last change of mode. */
  troubles: number;
  /** Clean audio faxes since fallback was enabled. */
  cleanAudioFaxes: number;
  lastChangeAt?: string;
  lastChangeReason?: string;
}

export interface StationPolicy {
  /** T.38 troubles before the station is switched to audio. */
  troublesBeforeFallback: number;
  /** Clean audio faxes after which T.38 is tried again; 0 = never by itself. */
  cleanAudioFaxesBeforeRetry: number;
}

export const initialStationState = (station: string): StationState => ({ station, needsAudio: false, troubles: 0, cleanAudioFaxes: 0 });

export function evolveStation(state: StationState, event: StationEvent): StationState {
  switch (event.type) {
    case 'StationT38Trouble':
      return { ...state, troubles: state.troubles + 1 };
    case 'StationFallbackEnabled':
      return { ...state, needsAudio: true, troubles: 0, cleanAudioFaxes: 0, lastChangeAt: event.data.at, lastChangeReason: event.data.reason };
    case 'StationCleanAudioFax':
      return { ...state, cleanAudioFaxes: state.cleanAudioFaxes + 1 };
    case 'StationFallbackCleared':
      return { ...state, needsAudio: false, troubles: 0, cleanAudioFaxes: 0, lastChangeAt: event.data.at, lastChangeReason: event.data.reason };
  }
}

/** What one finished fax tells us about the far station. */
export interface FaxOutcomeForStation {
  faxId: string;
  succeeded: boolean;
  /** Whether the call was allowed to use T.38. */
  t38Enabled: boolean;
  negotiations: number;
  badRows: number;
  resultCode: number;
  at: string;
}

/**
 * The station events one fax outcome causes. T.38 trouble, as GOfax.IP defines it: a failed fax
 * that negotiated more than once or had bad rows — counted only when T.38 was in play.
 */
export function learnFromFax(state: StationState, outcome: FaxOutcomeForStation, policy: StationPolicy): StationEvent[] {
  const { station } = state;
  const events: StationEvent[] = [];
  if (!outcome.succeeded && outcome.t38Enabled && (outcome.negotiations > 1 || outcome.badRows > 0)) {
    events.push({
      type: 'StationT38Trouble',
      data: { station, faxId: outcome.faxId, negotiations: outcome.negotiations, badRows: outcome.badRows, resultCode: outcome.resultCode, at: outcome.at },
    });
    if (!state.needsAudio && state.troubles + 1 >= policy.troublesBeforeFallback) {
      events.push({ type: 'StationFallbackEnabled', data: { station, reason: `${state.troubles + 1} T.38 failure(s)`, by: 'policy', at: outcome.at } });
    }
  } else if (outcome.succeeded && !outcome.t38Enabled && state.needsAudio) {
    events.push({ type: 'StationCleanAudioFax', data: { station, faxId: outcome.faxId, at: outcome.at } });
    if (policy.cleanAudioFaxesBeforeRetry > 0 && state.cleanAudioFaxes + 1 >= policy.cleanAudioFaxesBeforeRetry) {
      events.push({ type: 'StationFallbackCleared', data: { station, reason: `${state.cleanAudioFaxes + 1} clean audio faxes`, by: 'policy', at: outcome.at } });
    }
  }
  return events;
}
