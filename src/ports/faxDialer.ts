import type { EslSignal } from '../domain/fax/faxSignals.js';

/** One outbound fax call to place (`bgapi originate … &txfax(<tiff>)`). */
export interface OriginateRequest {
  /** Fresh per attempt (`origination_uuid`): FreeSWITCH's events for the call carry it. */
  callUuid: string;
  gateway: string;
  /** The number as dialled on the gateway. */
  destination: string;
  /** Channel variables for the leg (fax_ident, fax_enable_t38, caller ID…). */
  variables: Readonly<Record<string, string>>;
  /** TIFF to send, as a path FreeSWITCH can read. */
  tiffPath: string;
}

/**
 * Places outbound fax calls and delivers each call's signals to the listener given for it. Also
 * the commands the send path needs about calls (hang up, exists) and mod_db overrides.
 */
export interface FaxDialer {
  /**
   * Sends the originate; resolves once FreeSWITCH accepted the command (the call's outcome comes
   * as signals). Rejects when FreeSWITCH is unreachable: nothing was dialled.
   */
  originate(request: OriginateRequest, onSignal: (signal: EslSignal) => void): Promise<void>;
  /** Starts delivering the signals of a call placed before (after a restart or reconnect). */
  follow(callUuid: string, onSignal: (signal: EslSignal) => void): Promise<void>;
  /** Stops delivering a call's signals (it ended). */
  release(callUuid: string): void;
  hangup(callUuid: string, cause?: string): Promise<void>;
  callExists(callUuid: string): Promise<boolean>;
  /** The original's per-destination overrides: mod_db realm `override-<number>`, key = variable. */
  overridesFor(destination: string): Promise<Record<string, string>>;
  /** Resolves once at least one connection is ready. */
  ready(): Promise<void>;
  close(): Promise<void>;
}
