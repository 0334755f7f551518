import type { RejectionReason } from './inboundFaxEvents.js';

/** Everything needed to answer and receive a call that passed screening. */
export interface AcceptedCall {
  kind: 'accept';
  tenantId: string;
  /** Dialled number, E.164. */
  recipient: string;
  sourceGateway: string;
  t38Enabled: boolean;
  t38Requested: boolean;
  t38Policy: string;
  stationIdent?: string;
  pageHeader?: string;
  /** `ring_ready` + `sleep` before answering; 0 = answer at once. */
  ringDelayMs: number;
  /** Silence played after answering, before rxfax; 0 = none. */
  silenceMs: number;
  /** Where rxfax writes the TIFF. */
  spoolPath: string;
}

export interface RejectedCall {
  kind: 'reject';
  sipCode: 401 | 404;
  reason: RejectionReason;
  detail: string;
}

export type ScreeningDecision = AcceptedCall | RejectedCall;
