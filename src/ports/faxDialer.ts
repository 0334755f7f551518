import type { EslSignal } from '../domain/fax/faxSignals.js';
import type { RecordedCallOutcome } from '../domain/fax/recordedCallOutcome.js';

/** One outbound fax call to place (`bgapi originate … &txfax(<tiff>)`). */
export interface OriginateRequest {
  /** Fresh per attempt (`origination_uuid`): FreeSWITCH's events for the call carry it. */
  callUuid: string;
  gateway: string;
  /** The FreeSWITCH node to dial through (chosen with `chooseNode`); absent: the dialer picks one. */
  node?: string;
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
  /**
   * Chooses the FreeSWITCH node for a new call and counts the call on it until `release`;
   * undefined when no node can take one now (dialers of one FreeSWITCH need not implement it).
   * `only`: that node (the one the cluster gave the call a channel on), if it can take the call.
   */
  chooseNode?(callUuid: string, only?: string): string | undefined;
  /** The nodes that can take a new call now, the one to prefer first, with their `channels` (for counting them across the cluster). */
  nodeCandidates?(): Array<{ name: string; channels: number | undefined }>;
  /**
   * Starts delivering the signals of a call placed before (after a restart or reconnect), on the
   * node that has it (recorded with the attempt; absent for calls recorded before nodes).
   */
  follow(callUuid: string, onSignal: (signal: EslSignal) => void, node?: string): Promise<void>;
  /** Stops delivering a call's signals (it ended). */
  release(callUuid: string): void;
  hangup(callUuid: string, cause?: string): Promise<void>;
  callExists(callUuid: string): Promise<boolean>;
  /** Whether a live call has been answered (after a restart the stored events may not say so). */
  isAnswered(callUuid: string): Promise<boolean>;
  /**
   * How a call ended, as FreeSWITCH recorded it at hang-up (every originate carries the hook that
   * writes it); undefined when there is no record (FreeSWITCH restarted, or mod_db not loaded).
   */
  recordedOutcome(callUuid: string): Promise<RecordedCallOutcome | undefined>;
  /** Deletes a call's record once its outcome is stored as an event. */
  forgetOutcome(callUuid: string): Promise<void>;
  /** The original's per-destination overrides: mod_db realm `override-<number>`, key = variable. */
  overridesFor(destination: string): Promise<Record<string, string>>;
  /** Resolves once at least one connection is ready. */
  ready(): Promise<void>;
  close(): Promise<void>;
}
