import { createHmac, type KeyObject } from 'node:crypto';

/** A station stream as stored: `station-<pseudonym>.<key generation>`. */
const storedStationStream = /^(station-[0-9a-f]{32})\.([A-Za-z0-9_-]+)$/;

/** The key-store subject of a stored station stream, or undefined for another name (a pre-pseudonym `station-<e164>` stream). */
export function storedStationSubject(stream: string): string | undefined {
  return storedStationStream.exec(stream)?.[1];
}

/** Whether a station stream name is one callers use (`station-<e164>`), to be mapped to its pseudonym. */
export const isLogicalStationStream = (stream: string): boolean => stream.startsWith('station-') && !storedStationStream.test(stream);

/**
 * Station streams are named by a keyed pseudonym of the remote number, not the number itself:
 * HMAC-SHA256 under a secret kept in the key store (stable across key-ring rotations, or every
 * name would change). The subject is `station-<pseudonym>`; the stream adds the generation of the
 * subject's key, so a forgotten station starts a new, empty stream: what was learnt is relearnt.
 */
export function createStationPseudonyms(secret: KeyObject) {
  return {
    /** `station-<e164>` → the key-store subject of that station. */
    subjectOf: (logicalStream: string): string =>
      `station-${createHmac('sha256', secret).update(logicalStream.slice('station-'.length), 'utf8').digest('hex').slice(0, 32)}`,
    storedStream: (subject: string, generation: string): string => `${subject}.${generation}`,
  };
}

export type StationPseudonyms = ReturnType<typeof createStationPseudonyms>;
