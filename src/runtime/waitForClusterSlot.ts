import type { ClusterChannelSlots, NodeCandidate } from './clusterChannelSlots.js';

/**
 * A fax's turn came in this instance's scheduler: asks the cluster for its call's slots again and
 * again (keeping the turn) until it has them, then calls `granted` at once, while the fax still
 * waits. Answers false, holding no slot, when the fax stopped waiting first (cancelled, handed
 * over, shutting down).
 */
export async function waitForClusterSlot(deps: {
  slots: ClusterChannelSlots;
  callUuid: string;
  gateway: string;
  retryMs: number;
  /** The nodes the call may go through now, preferred first (absent: one FreeSWITCH, no node slots). */
  nodes?(): readonly NodeCandidate[];
  stillWaiting(): boolean;
  /** With the node the call has a slot on, when nodes were given. */
  granted(node?: string): void;
  onError(error: unknown): void;
}): Promise<boolean> {
  while (deps.stillWaiting()) {
    const taken = await deps.slots.take(deps.callUuid, deps.gateway, deps.nodes?.()).catch((error: unknown) => {
      deps.onError(error);
      return false as const;
    });
    if (taken && deps.stillWaiting()) {
      deps.granted(taken.node);
      return true;
    }
    if (taken) break;
    await new Promise((resolve) => setTimeout(resolve, deps.retryMs).unref());
  }
  await deps.slots.release(deps.callUuid).catch(() => undefined);
  return false;
}
