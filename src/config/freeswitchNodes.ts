import type { Config } from './schema.js';

/** One FreeSWITCH node as faxengine uses it. */
export interface FreeswitchNode {
  name: string;
  esl: string;
  password: string;
  /** Outbound calls at most on this node; undefined: no limit of its own. */
  channels?: number;
  weight: number;
  /** What its calls' `FreeSWITCH-Switchname` header says. */
  switchname: string;
}

/** The name of the node `freeswitch.esl`/`freeswitch.password` describe when `freeswitch.nodes` is not set. */
export const DEFAULT_NODE = 'default';

/** `freeswitch.nodes`, or the one node the single-address settings describe. */
export function freeswitchNodes(freeswitch: Config['freeswitch']): FreeswitchNode[] {
  const nodes = freeswitch.nodes ?? [{ name: DEFAULT_NODE, esl: freeswitch.esl, password: freeswitch.password, weight: 1 }];
  return nodes.map((node) => ({
    name: node.name,
    esl: node.esl,
    password: node.password,
    weight: node.weight,
    ...(node.channels === undefined ? {} : { channels: node.channels }),
    switchname: ('switchname' in node && node.switchname) || node.name,
  }));
}
