import type { Submitter } from '../domain/outbound/outboundFaxEvents.js';
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
  /**
   * Leaves a cancel for the instance that drives the fax (a request that reached another one). It
   * is kept as a lease `cancel-<faxId>` whose owner is the canceller, not renewed: it lapses on its
   * own after a while if the fax ended first.
   */
  requestCancel(faxId: string, by: Submitter): Promise<void>;
  /** The cancels left for faxes, oldest request per fax; taking one removes it. */
  cancelRequests(): Promise<Array<{ faxId: string; by: Submitter; take(): Promise<void> }>>;
}

const PREFIX = 'fax-';
const CANCEL = 'cancel-';

export function createFaxOwnership(deps: { leases: LeaseStore; keeper: LeaseKeeper; instanceId: string; ttlMs: number; slots?: ClusterChannelSlots }): FaxOwnership {
  return {
    claim: (faxId, onLost) => deps.keeper.acquire(`${PREFIX}${faxId}`, deps.instanceId, deps.ttlMs, onLost),
    release: (faxId) => deps.keeper.release(`${PREFIX}${faxId}`),
    claimedElsewhere: async () =>
      new Set((await deps.leases.held(PREFIX)).filter((lease) => lease.owner !== deps.instanceId).map((lease) => lease.name.slice(PREFIX.length))),
    sweepEveryMs: Math.max(100, Math.round(deps.ttlMs / 3)),
    ...(deps.slots ? { slots: deps.slots } : {}),
    slotRetryMs: Math.max(50, Math.min(500, Math.round(deps.ttlMs / 10))),
    async requestCancel(faxId, by) {
      // A second canceller finds the first one's request there: the fax is being cancelled either way.
      await deps.leases.acquire(`${CANCEL}${faxId}`, JSON.stringify(by), deps.ttlMs * 20);
    },
    async cancelRequests() {
      return (await deps.leases.held(CANCEL)).map((lease) => ({
        faxId: lease.name.slice(CANCEL.length),
        by: JSON.parse(lease.owner) as Submitter,
        take: () => deps.leases.release(lease.name, lease.owner),
      }));
    },
  };
}

/** One instance and no store leases: every fax is this instance's (tests of the runtime alone). */
export const soloOwnership: FaxOwnership = {
  claim: async () => true,
  release: async () => undefined,
  claimedElsewhere: async () => new Set(),
  sweepEveryMs: 0,
  slotRetryMs: 0,
  requestCancel: async () => undefined,
  cancelRequests: async () => [],
};
