/** Commands to FreeSWITCH that are not tied to one call's socket (inbound event socket). */
export interface CallControl {
  /** Runs an `api` command and answers its body (e.g. `+OK …`, `-ERR …`, `true`). */
  api(command: string): Promise<string>;
  /** Whether FreeSWITCH still has a channel with this UUID. */
  callExists(uuid: string): Promise<boolean>;
  /** Hangs a channel up (`uuid_kill`). */
  hangup(uuid: string, cause?: string): Promise<void>;
  close(): Promise<void>;
}

/** FreeSWITCH could not be reached or did not answer in time. */
export class CallControlUnavailableError extends Error {
  override readonly name = 'CallControlUnavailableError';
}
