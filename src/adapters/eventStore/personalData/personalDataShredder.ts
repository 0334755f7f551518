import type { PersonalDataShredder } from '../../../ports/personalData.js';
import type { StationPseudonyms } from './stationPseudonyms.js';
import type { SubjectKeys } from './subjectKeys.js';

/**
 * Forgets a fax: its key is destroyed for good (its events' personal fields read as empties, and
 * personal values appended to its stream later are dropped at once). Each remote number given
 * forgets that station's key too: its stream starts over, so what was learnt about the station is
 * learnt again from its next calls. Numbers are forgotten as given and as `toE164` normalises them
 * (station learning names stations by the normalised number).
 */
export function createPersonalDataShredder(keys: SubjectKeys, stations: StationPseudonyms, toE164: (raw: string) => string | undefined = () => undefined): PersonalDataShredder {
  return {
    async forgetFax(faxId, remoteNumbers = []) {
      await keys.forget(`fax-${faxId}`, { forever: true });
      const numbers = new Set<string>();
      for (const number of remoteNumbers) {
        if (!number) continue;
        numbers.add(number);
        const normalised = toE164(number);
        if (normalised) numbers.add(normalised);
      }
      for (const number of numbers) await keys.forget(stations.subjectOf(`station-${number}`), { forever: false });
    },
  };
}
