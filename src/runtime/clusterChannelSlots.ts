import type { LeaseStore } from '../ports/leaseStore.js';
import type { LeaseKeeper } from './leaseKeeper.js';

/**
 * Outbound channels counted across every instance sharing the event store: a call holds one lease
 * of `channel-all-<i>` (i < the total limit), when the gateway has a limit one of
 * `channel-gateway-<gateway>-<j>` (j < that limit), and when its FreeSWITCH node has `channels`
 * one of `channel-node-<node>-<k>` (k < those channels): the first candidate node with one free.
 *
 * The slots belong to the call (owner `call-<callUuid>`), not to the instance: when an instance
 * dies mid-call, the call goes on in FreeSWITCH and the instance that takes the fax over adopts
 * its slots. They live twice the lease time, so they outlast the dead driver's fax lease and are
 * still there to adopt when the takeover comes, instead of being handed to a new call meanwhile.
 */
/** A FreeSWITCH node a call may go through, and its channel limit (undefined: none). */
export interface NodeCandidate {
  name: string;
  channels: number | undefined;
}

export interface ClusterChannelSlots {
  /**
   * Takes the call's slots: false (holding none) when the total, the gateway or every candidate
   * node is full; else the node the call has a slot on (undefined when no candidates were given).
   */
  take(callUuid: string, gateway: string, nodes?: readonly NodeCandidate[]): Promise<false | { node?: string }>;
  /** Keeps renewing the slots a call already holds (a call taken over from another instance). */
  adopt(callUuid: string): Promise<void>;
  /** Gives the call's slots back. */
  release(callUuid: string): Promise<void>;
}

export function createClusterChannelSlots(deps: {
  leases: LeaseStore;
  keeper: LeaseKeeper;
  /** The fax lease time; slots live twice as long. */
  ttlMs: number;
  maxChannels: number;
  maxPerGateway?: (gateway: string) => number | undefined;
}): ClusterChannelSlots {
  const ttlMs = deps.ttlMs * 2;
  const ownerOf = (callUuid: string) => `call-${callUuid}`;
  /** The slot names each call of this instance holds. */
  const held = new Map<string, string[]>();

  /** The first free slot among `prefix<0..limit-1>`: a look at who holds what, then one try per free one. */
  async function takeOne(prefix: string, limit: number, owner: string): Promise<string | undefined> {
    const taken = new Set((await deps.leases.held(prefix)).map((lease) => lease.name));
    for (let index = 0; index < limit; index += 1) {
      const name = `${prefix}${index}`;
      if (!taken.has(name) && (await deps.keeper.acquire(name, owner, ttlMs))) return name;
    }
    return undefined;
  }

  async function release(callUuid: string): Promise<void> {
    const names = held.get(callUuid) ?? [];
    held.delete(callUuid);
    await Promise.all(names.map((name) => deps.keeper.release(name)));
  }

  return {
    async take(callUuid, gateway, nodes) {
      const owner = ownerOf(callUuid);
      const total = await takeOne('channel-all-', deps.maxChannels, owner);
      if (total === undefined) return false;
      held.set(callUuid, [total]);
      const perGateway = deps.maxPerGateway?.(gateway);
      if (perGateway !== undefined) {
        const own = await takeOne(`channel-gateway-${gateway}-`, perGateway, owner);
        if (own === undefined) return release(callUuid).then(() => false as const);
        held.get(callUuid)?.push(own);
      }
      if (nodes === undefined) return {};
      for (const node of nodes) {
        if (node.channels === undefined) return { node: node.name };
        const slot = await takeOne(`channel-node-${node.name}-`, node.channels, owner);
        if (slot === undefined) continue;
        held.get(callUuid)?.push(slot);
        return { node: node.name };
      }
      return release(callUuid).then(() => false as const);
    },
    async adopt(callUuid) {
      const owner = ownerOf(callUuid);
      const names = (await deps.leases.held('channel-')).filter((lease) => lease.owner === owner).map((lease) => lease.name);
      const kept: string[] = [];
      for (const name of names) if (await deps.keeper.acquire(name, owner, ttlMs)) kept.push(name);
      if (kept.length > 0) held.set(callUuid, kept);
    },
    release,
  };
}
