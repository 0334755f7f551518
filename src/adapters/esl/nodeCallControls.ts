import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { FreeswitchNode } from '../../config/freeswitchNodes.js';
import { splitHostPort } from '../../config/hostPort.js';
import type { CallControl } from '../../ports/callControl.js';
import type { CallNodeOf } from './inboundCallSession.js';
import { createInboundEslClient, type InboundEslClient } from './inboundEslClient.js';

export interface NodeCallControls {
  /** Commands to the node that has a call; for an unknown node (or one no longer configured), to every node. */
  of(node: string | undefined): CallControl;
  /** Which node an inbound call's socket came from (see `callNodeOf`). */
  nodeOf: CallNodeOf;
  /** Resolves once one node's control connection is up. */
  ready(): Promise<void>;
  connected(name: string): boolean;
  anyConnected(): boolean;
  close(): Promise<void>;
}

/**
 * The receive path's control connection to each FreeSWITCH node. A call recorded on a node is
 * only ever asked about on that node: while it is down, commands fail (and the caller waits),
 * so a call that goes on there is never taken for ended.
 */
export function createNodeCallControls(nodes: readonly FreeswitchNode[], logger: Logger): NodeCallControls {
  const clients = new Map<string, InboundEslClient>(
    nodes.map((node) => [node.name, createInboundEslClient({ ...splitHostPort(node.esl), password: node.password, logger: logger.child({ node: node.name }) })]),
  );
  const all = [...clients.values()];
  const everyNode: CallControl = {
    async api(command) {
      const replies = await Promise.all(all.map((client) => client.api(command)));
      return replies.find((reply) => reply.trim() !== '' && !reply.startsWith('-ERR')) ?? replies[0] ?? '';
    },
    async callExists(uuid) {
      // Gone only when every node says so; a node that cannot be asked rejects.
      return (await Promise.all(all.map((client) => client.callExists(uuid)))).includes(true);
    },
    async hangup(uuid, cause) {
      await Promise.all(all.map(async (client) => ((await client.callExists(uuid)) ? client.hangup(uuid, cause) : undefined)));
    },
    close: async () => undefined,
  };
  return {
    of: (node) => (node === undefined ? undefined : clients.get(node)) ?? everyNode,
    nodeOf: callNodeOf(nodes),
    async ready() {
      await Promise.race(all.map((client) => client.ready()));
    },
    connected: (name) => clients.get(name)?.connected() ?? false,
    anyConnected: () => all.some((client) => client.connected()),
    async close() {
      await Promise.all(all.map((client) => client.close()));
    },
  };
}

/**
 * A call's node: the one whose `switchname` its connect reply's `FreeSWITCH-Switchname` header
 * names; else the only node; else the one whose event-socket address is the socket's peer address.
 */
export function callNodeOf(nodes: readonly FreeswitchNode[]): CallNodeOf {
  const bySwitchname = new Map(nodes.map((node) => [node.switchname, node.name]));
  const byAddress = new Map<string, string>();
  for (const node of nodes) {
    const { host } = splitHostPort(node.esl);
    if (isIP(host) === 0) continue;
    // Two nodes behind one address cannot be told apart by it.
    byAddress.set(host, byAddress.has(host) ? '' : node.name);
  }
  return (header, remoteAddress) => {
    const switchname = header('FreeSWITCH-Switchname');
    const named = switchname === undefined ? undefined : bySwitchname.get(switchname);
    if (named) return named;
    if (nodes.length === 1) return nodes[0]!.name;
    const address = remoteAddress?.replace(/^::ffff:/, '');
    return (address && byAddress.get(address)) || undefined;
  };
}
