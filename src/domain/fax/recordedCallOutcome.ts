import type { T38Status } from './inboundFaxEvents.js';

/**
 * How a fax call ended, as FreeSWITCH itself recorded it at hang-up (the `api_hangup_hook` every
 * fax call carries writes it to mod_db). A restarted faxengine reads it for a call that ended
 * while nobody listened, so the attempt is recorded with its real result instead of a guess.
 */
export interface RecordedCallOutcome {
  hangupCause: string;
  /** The call was answered (`answer_epoch` > 0). */
  answered: boolean;
  answeredAt?: string;
  /** spandsp's result; absent when no fax ran on the call (unanswered, or hung up before rxfax/txfax). */
  fax?: {
    success: boolean;
    code: number;
    /** Pages the far end confirmed (`fax_document_transferred_pages`). */
    pages: number;
    transferRate: number;
    ecm: boolean;
    t38Status: T38Status;
  };
}
