import type { LeaseStore } from '../ports/leaseStore.js';
import type { ClusterChannelSlots } from './clusterChannelSlots.js';
import type { LeaseKeeper } from './leaseKeeper.js';

/**
 * Which instance drives which outbound fax: the one holding the lease `fax-<faxId>`. Leases only
 * share the work out; the fence that keeps a fax from being dialled twice is the store's (the
 * attempt's append at the revision its driver last saw).
 */
export interface FaxOwnership {
  /** Takes the fax for this instance; `onLost` runs when a renewal finds the lease gone. */
  claim(faxId: string, onLost: () => void): Promise<boolean>;
  release(faxId: string): Promise<void>;
  /**
   * Faxes another instance holds now. Those held under this instance's own id but not driven here
   * (a restart that kept its `cluster.instanceId`) are this instance's to take back at once.
   */
  claimedElsewhere(): Promise<Set<string>>;
  /** How often to look for unfinished faxes nobody drives (an instance died, or gave them up). */
  sweepEveryMs: number;
  /** Channel slots counted across the cluster (absent: the local scheduler's limits alone). */
  slots?: ClusterChannelSlots;
  /** How long to wait before asking again for a slot when the cluster's channels are all busy. */
  slotRetryMs: number;
}

const PREFIX = 'fax-';

export function createFaxOwnership(deps: { leases: LeaseStore; keeper: LeaseKeeper; instanceId: string; ttlMs: number; slots?: ClusterChannelSlots }): FaxOwnership {
  return {
    claim: (faxId, onLost) => deps.keeper.acquire(`${PREFIX}${faxId}`, deps.instanceId, deps.ttlMs, onLost),
    release: (faxId) => deps.keeper.release(`${PREFIX}${faxId}`),
    claimedElsewhere: async () =>
      new Set((await deps.leases.held(PREFIX)).filter((lease) => lease.owner !== deps.instanceId).map((lease) => lease.name.slice(PREFIX.length))),
    sweepEveryMs: Math.max(100, Math.round(deps.ttlMs / 3)),
    ...(deps.slots ? { slots: deps.slots } : {}),
    slotRetryMs: Math.max(50, Math.min(500, Math.round(deps.ttlMs / 10))),
  };
}

/** One instance and no store leases: every fax is this instance's (tests of the runtime alone). */
export const soloOwnership: FaxOwnership = {
  claim: async () => true,
  release: async () => undefined,
  claimedElsewhere: async () => new Set(),
  sweepEveryMs: 0,
  slotRetryMs: 0,
};
