import type { T38Status } from './inboundFaxEvents.js';

/**
 * Signals that drive fax machines, named by source. `src/adapters/esl` translates FreeSWITCH
 * events into the `esl.*` ones; FreeSWITCH header names never reach the machines. Every signal
 * carries the time it happened (`at`, ISO-8601), so machines never read a clock.
 */
export type EslSignal =
  | { type: 'esl.channel.answered'; at: string }
  | {
      type: 'esl.fax.negotiated';
      at: string;
      transferRate: number;
      ecm: boolean;
      t38Status: T38Status;
      remoteIdent?: string;
      localIdent?: string;
    }
  | {
      type: 'esl.fax.page';
      at: string;
      page: number;
      /** Dots per inch, e.g. `204x196`, converted from spandsp's pixels per metre. */
      resolution: string;
      badRows: number;
      longestBadRowRun: number;
      encoding: string;
      imageBytes: number;
    }
  | {
      type: 'esl.fax.result';
      at: string;
      success: boolean;
      code: number;
      text: string;
      pages: number;
      t38Status: T38Status;
      transferRate: number;
      badRows: number;
      remoteIdent?: string;
    }
  | {
      type: 'esl.channel.hangup';
      at: string;
      /** Q.850 name. A carrier may say NORMAL_CLEARING for a call it refused (a 480 with `Reason: Q.850;cause=16`). */
      cause: string;
      /** The SIP status that ended the call (e.g. 480, 486), when there was one. */
      sipStatus?: number;
      /** Who ended the SIP dialog and how: `recv_refuse`, `send_cancel`, `recv_bye`, `send_bye`, … */
      sipDisposition?: string;
    }
  /** `bgapi originate` ended without a call (BACKGROUND_JOB `-ERR <cause>`). */
  | { type: 'esl.originate.failed'; at: string; cause: string }
  /** The event socket closed before the call ended (FreeSWITCH restart, network). */
  | { type: 'esl.connection.lost'; at: string };

export type EslSignalType = EslSignal['type'];
