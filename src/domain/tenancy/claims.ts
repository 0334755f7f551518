/**
 * Platform-wide uniqueness without a shared table: a number or a user name belongs to whoever
 * holds its claim stream, and claims are appended with an expected revision, so two writers
 * cannot both win. Ids come from per-kind sequence streams the same way.
 */

export const numberClaimStream = (e164: string): string => `numberclaim-${e164}`;
export const usernameClaimStream = (username: string): string => `usernameclaim-${username.toLowerCase()}`;
export const idSequenceStream = (kind: IdKind): string => `idsequence-${kind}`;

export type IdKind = 'tenant' | 'number' | 'user' | 'endpoint' | 'apikey';

export interface ClaimHolder {
  tenantId: string;
  /** The number id or user id holding the claim. */
  ownerId: string;
}

export type ClaimEvent =
  | { type: 'ClaimGranted'; data: { key: string; at: string } & ClaimHolder }
  | { type: 'ClaimReleased'; data: { key: string; at: string } & ClaimHolder };

export interface ClaimState {
  holder: ClaimHolder | null;
  revision: number | 'no_stream';
}

export function foldClaim(events: readonly { type: string; data: unknown; revision: number }[]): ClaimState {
  let state: ClaimState = { holder: null, revision: 'no_stream' };
  for (const event of events) {
    const data = event.data as ClaimEvent['data'];
    const holder = event.type === 'ClaimGranted' ? { tenantId: data.tenantId, ownerId: data.ownerId } : null;
    state = { holder, revision: event.revision };
  }
  return state;
}

/** The id a sequence hands out next: ids are 1, 2, 3, … as in the original's SQL tables. */
export function nextSequenceId(lastRevision: number | undefined): string {
  return String((lastRevision ?? -1) + 2);
}
