import type { Logger } from 'pino';
import type { FreeswitchNode } from '../../config/freeswitchNodes.js';
import { splitHostPort } from '../../config/hostPort.js';
import { CallControlUnavailableError } from '../../ports/callControl.js';
import type { FaxDialer } from '../../ports/faxDialer.js';
import { createFaxDialerPool } from './faxDialerPool.js';

type Pool = ReturnType<typeof createFaxDialerPool>;
interface NodeEntry {
  node: FreeswitchNode;
  pool: Pool;
  /** Calls counted on the node: chosen or followed, not yet released. */
  calls: number;
  /** When the node was last chosen (a sequence number): ties go to the one chosen longest ago. */
  lastChosen: number;
}

export interface NodeDialer extends FaxDialer {
  chooseNode(callUuid: string, only?: string): string | undefined;
  nodeCandidates(): Array<{ name: string; channels: number | undefined }>;
  /** Outbound calls the connected nodes can still take (their `channels` left; Infinity when one has no limit). */
  room(): number;
  /** At least one node's dialer connection is up. */
  connected(): boolean;
  /** Whether this node's dialer connections are up (false for a name not configured). */
  nodeConnected(name: string): boolean;
  /** Outbound calls counted on each node. */
  callsByNode(): Array<{ node: string; calls: number }>;
}

/** Calls whose node is remembered for their outcome record, at most (oldest forgotten first). */
const MAX_REMEMBERED = 100_000;

/**
 * The send path's view of several FreeSWITCH nodes: a dialer pool per node; each new call goes to
 * the least busy connected node (calls ÷ weight, within its `channels`); every later command
 * about a call (follow, hang up, exists, outcome record) goes to the node that has it. A call
 * whose node is unknown (recorded before nodes existed) is looked for on every node.
 */
export function createNodeDialer(options: { nodes: readonly FreeswitchNode[]; size: number; logger: Logger; timeoutMs?: number }): NodeDialer {
  const entries = new Map<string, NodeEntry>(
    options.nodes.map((node) => [
      node.name,
      {
        node,
        calls: 0,
        lastChosen: 0,
        pool: createFaxDialerPool({
          ...splitHostPort(node.esl),
          password: node.password,
          size: options.size,
          logger: options.logger.child({ node: node.name }),
          ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        }),
      },
    ]),
  );
  const all = [...entries.values()];
  /** Calls counted on a node (between choose/follow and release). */
  const counted = new Map<string, NodeEntry>();
  /** Which node has (or had) a call, until its outcome record is forgotten. */
  const homes = new Map<string, NodeEntry>();
  let sequence = 0;

  const hasRoom = (entry: NodeEntry) => entry.pool.connected() && (entry.node.channels === undefined || entry.calls < entry.node.channels);

  function count(callUuid: string, entry: NodeEntry): void {
    remember(callUuid, entry);
    if (counted.get(callUuid) === entry) return;
    uncount(callUuid);
    counted.set(callUuid, entry);
    entry.calls += 1;
  }
  function uncount(callUuid: string): void {
    const entry = counted.get(callUuid);
    if (!entry) return;
    counted.delete(callUuid);
    entry.calls -= 1;
  }
  function remember(callUuid: string, entry: NodeEntry): void {
    homes.delete(callUuid);
    homes.set(callUuid, entry);
    if (homes.size > MAX_REMEMBERED) homes.delete(homes.keys().next().value!);
  }
  function named(name: string): NodeEntry {
    const entry = entries.get(name);
    if (!entry) throw new CallControlUnavailableError(`FreeSWITCH node ${name} is not configured`);
    return entry;
  }
  /** The node with the call, or every node when it is not known. */
  const nodesOf = (callUuid: string): NodeEntry[] => {
    const home = homes.get(callUuid);
    return home ? [home] : all;
  };
  /** A node that is known to have the call or says it has it; undefined when none does. */
  async function locate(callUuid: string): Promise<NodeEntry | undefined> {
    const home = homes.get(callUuid);
    if (home || all.length === 1) return home ?? all[0];
    const found = await Promise.all(all.map((entry) => entry.pool.callExists(callUuid).catch(() => false)));
    return all[found.indexOf(true)];
  }
  const firstConnected = () => all.find((entry) => entry.pool.connected()) ?? all[0]!;

  /** Connected nodes with a free channel, least busy first (calls ÷ weight; ties: the one chosen longest ago). */
  function preferred(): NodeEntry[] {
    const load = (entry: NodeEntry) => (entry.calls + 1) / entry.node.weight;
    return all.filter(hasRoom).sort((a, b) => load(a) - load(b) || a.lastChosen - b.lastChosen);
  }

  /** The preferred node (or `only`, if it can take the call); counts the call on it. */
  function chooseNode(callUuid: string, only?: string): string | undefined {
    const best = only === undefined ? preferred()[0] : [entries.get(only)].find((entry) => entry !== undefined && hasRoom(entry));
    if (!best) return undefined;
    best.lastChosen = ++sequence;
    count(callUuid, best);
    return best.node.name;
  }

  return {
    chooseNode,
    nodeCandidates: () => preferred().map((entry) => ({ name: entry.node.name, channels: entry.node.channels })),
    room() {
      return all.reduce((sum, entry) => (entry.pool.connected() ? sum + (entry.node.channels === undefined ? Number.POSITIVE_INFINITY : Math.max(0, entry.node.channels - entry.calls)) : sum), 0);
    },
    async originate(request, onSignal) {
      const name = request.node ?? counted.get(request.callUuid)?.node.name ?? chooseNode(request.callUuid);
      if (name === undefined) throw new CallControlUnavailableError('no FreeSWITCH node is connected with a free channel');
      const entry = named(name);
      count(request.callUuid, entry);
      await entry.pool.originate(request, onSignal);
    },
    async follow(callUuid, onSignal, node) {
      const entry = node !== undefined && entries.has(node) ? named(node) : await locate(callUuid);
      if (!entry) {
        // Old call nowhere to be found: follow it on one node; the reconciler finds it gone.
        await firstConnected().pool.follow(callUuid, onSignal);
        return;
      }
      count(callUuid, entry);
      await entry.pool.follow(callUuid, onSignal);
    },
    release(callUuid) {
      for (const entry of nodesOf(callUuid)) entry.pool.release(callUuid);
      uncount(callUuid);
    },
    async hangup(callUuid, cause) {
      const entry = await locate(callUuid);
      if (entry) await entry.pool.hangup(callUuid, cause);
    },
    async callExists(callUuid) {
      // Unknown node: gone only when every node says so (a node that does not answer rejects).
      const answers = await Promise.all(nodesOf(callUuid).map((entry) => entry.pool.callExists(callUuid)));
      return answers.includes(true);
    },
    async isAnswered(callUuid) {
      const entry = await locate(callUuid);
      return entry ? entry.pool.isAnswered(callUuid) : false;
    },
    async recordedOutcome(callUuid) {
      for (const entry of nodesOf(callUuid)) {
        const outcome = await entry.pool.recordedOutcome(callUuid);
        if (outcome) return outcome;
      }
      return undefined;
    },
    async forgetOutcome(callUuid) {
      await Promise.all(nodesOf(callUuid).map((entry) => entry.pool.forgetOutcome(callUuid)));
      homes.delete(callUuid);
    },
    // Per-destination overrides are operator data every node's mod_db should hold alike.
    overridesFor: (destination) => firstConnected().pool.overridesFor(destination),
    async ready() {
      await Promise.race(all.map((entry) => entry.pool.ready()));
    },
    connected: () => all.some((entry) => entry.pool.connected()),
    nodeConnected: (name) => entries.get(name)?.pool.connected() ?? false,
    callsByNode: () => all.map((entry) => ({ node: entry.node.name, calls: entry.calls })),
    async close() {
      await Promise.all(all.map((entry) => entry.pool.close()));
    },
  };
}
