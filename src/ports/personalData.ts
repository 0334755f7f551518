/**
 * Crypto-shredding of a fax's personal data in the event store: the personal fields of every
 * `fax-<id>` event are sealed under a key of that fax alone; forgetting the fax destroys the key,
 * after which those fields read as empty values (`''`, `[]`, `{}`) and the event's
 * `metadata.personalDataPurged` is true. Implemented beside each event store adapter.
 */
export interface PersonalDataShredder {
  /** Destroys the fax's key (idempotent). The remote numbers given are forgotten too where they key other data (station knowledge). */
  forgetFax(faxId: string, remoteNumbers?: readonly string[]): Promise<void>;
}
