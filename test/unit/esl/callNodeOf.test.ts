import { describe, expect, it } from 'vitest';
import { callNodeOf } from '../../../src/adapters/esl/nodeCallControls.js';
import type { FreeswitchNode } from '../../../src/config/freeswitchNodes.js';

const node = (name: string, esl: string, switchname = name): FreeswitchNode => ({ name, esl, password: 'x', weight: 1, switchname });
const headers = (values: Record<string, string>) => (name: string) => values[name];

describe('callNodeOf: which configured node an inbound call came from', () => {
  const nodes = [node('fs1', '10.0.0.1:8021'), node('fs2', '10.0.0.2:8021', 'fax-b'), node('fs3', 'fs3.example:8021')];
  const nodeOf = callNodeOf(nodes);

  it('by the FreeSWITCH-Switchname of the connect reply (the node name, or its switchname)', () => {
    expect(nodeOf(headers({ 'FreeSWITCH-Switchname': 'fs1' }), '10.0.0.2')).toBe('fs1');
    expect(nodeOf(headers({ 'FreeSWITCH-Switchname': 'fax-b' }), '127.0.0.1')).toBe('fs2');
  });

  it('else by the socket peer address matching a node’s event-socket address', () => {
    expect(nodeOf(headers({ 'FreeSWITCH-Switchname': 'unknown' }), '10.0.0.2')).toBe('fs2');
    expect(nodeOf(headers({}), '::ffff:10.0.0.1')).toBe('fs1');
  });

  it('else unknown with several nodes, and the only node with one', () => {
    expect(nodeOf(headers({ 'FreeSWITCH-Switchname': 'other' }), '192.0.2.9')).toBeUndefined();
    expect(callNodeOf([node('default', '127.0.0.1:8021')])(headers({ 'FreeSWITCH-Switchname': 'vm' }), '192.0.2.9')).toBe('default');
  });

  it('does not guess between two nodes behind one address', () => {
    const shared = callNodeOf([node('a', '10.0.0.5:8021'), node('b', '10.0.0.5:8022')]);
    expect(shared(headers({}), '10.0.0.5')).toBeUndefined();
  });
});
