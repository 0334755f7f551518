/**
 * Events and rules of an `idempotency-<digest>` stream: who holds one tenant's `Idempotency-Key`.
 * A submission claims the key (with the fax id it is about to create) before it does any work,
 * and releases it when it fails before the fax is stored; appends use expected revisions, so two
 * submissions with the same key can never both hold it.
 */

export interface IdempotencyKeyClaimedData {
  tenantId: string;
  key: string;
  /** sha256 of the normalised request (fields and file hashes): what "the same request" means. */
  fingerprint: string;
  faxId: string;
  claimedAt: string;
}

export interface IdempotencyKeyReleasedData {
  faxId: string;
  /** Why the submission stopped before storing its fax (the problem's detail). */
  reason: string;
  releasedAt: string;
}

export type IdempotencyEvent =
  | { type: 'IdempotencyKeyClaimed'; data: IdempotencyKeyClaimedData }
  | { type: 'IdempotencyKeyReleased'; data: IdempotencyKeyReleasedData };

export interface ClaimState {
  /** Revision of the stream's last event; undefined when the key was never used. */
  revision: number | undefined;
  /** The claim in force, if the last claim was not released. */
  claim: IdempotencyKeyClaimedData | undefined;
}

export const noClaim: ClaimState = { revision: undefined, claim: undefined };

export function evolveClaim(state: ClaimState, event: IdempotencyEvent, revision: number): ClaimState {
  if (event.type === 'IdempotencyKeyClaimed') return { revision, claim: event.data };
  return { revision, claim: state.claim?.faxId === event.data.faxId ? undefined : state.claim };
}

export interface ClaimTimes {
  /** A key is remembered this long; after that, it names a new fax. */
  retentionMs: number;
  /** A claim whose fax is still not stored after this long was left by a crashed submission. */
  staleAfterMs: number;
}

/** A key names one fax for 24 hours. */
export const defaultRetentionMs = 86_400_000;

export type ClaimDecision =
  /** Nobody holds the key (or the holder is gone): claim it at `expected`. */
  | { kind: 'claim'; expected: number | 'no_stream' }
  /** The same request was made before: answer with that fax. */
  | { kind: 'replay'; faxId: string }
  /** The same request is being processed right now: wait for it to finish. */
  | { kind: 'wait'; faxId: string }
  /** The key was used for a different request. */
  | { kind: 'conflict'; faxId: string };

/** What a submission holding `fingerprint` does with the key, given whether the claimed fax is stored. */
export function decideClaim(state: ClaimState, fingerprint: string, now: Date, faxStored: boolean, times: ClaimTimes): ClaimDecision {
  const expected = state.revision ?? 'no_stream';
  const { claim } = state;
  if (!claim) return { kind: 'claim', expected };
  const age = now.getTime() - Date.parse(claim.claimedAt);
  if (age >= times.retentionMs) return { kind: 'claim', expected };
  // A holder that never stored its fax and has been gone this long crashed: the key names nothing.
  if (!faxStored && age >= times.staleAfterMs) return { kind: 'claim', expected };
  if (claim.fingerprint !== fingerprint) return { kind: 'conflict', faxId: claim.faxId };
  return faxStored ? { kind: 'replay', faxId: claim.faxId } : { kind: 'wait', faxId: claim.faxId };
}
