import { describe, expect, it } from 'vitest';
import { freeswitchNodes } from '../../../src/config/freeswitchNodes.js';
import { ConfigError, loadConfig } from '../../../src/config/loadConfig.js';
import { maskConfig } from '../../../src/config/maskConfig.js';
import { makeTempDir } from '../../support/tempDir.js';

const load = (env: Record<string, string>) => {
  const dir = makeTempDir('config-nodes');
  try {
    return loadConfig({ env, cwd: dir.path }).config;
  } finally {
    dir.remove();
  }
};
const nodesEnv = (nodes: unknown) => ({ FAXENGINE_FREESWITCH_NODES: JSON.stringify(nodes) });
const failure = (env: Record<string, string>) => {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
};

describe('freeswitch.nodes', () => {
  it('without nodes, the single address is one node named default', () => {
    const config = load({ FAXENGINE_FREESWITCH_ESL: '10.0.0.9:8021', FAXENGINE_FREESWITCH_PASSWORD: 'secret' });
    expect(freeswitchNodes(config.freeswitch)).toEqual([{ name: 'default', esl: '10.0.0.9:8021', password: 'secret', weight: 1, switchname: 'default' }]);
  });

  it('reads the nodes from FAXENGINE_FREESWITCH_NODES as JSON, with defaults', () => {
    const config = load(
      nodesEnv([
        { name: 'fs1', esl: '10.0.0.1:8021', password: 'one', channels: 30 },
        { name: 'fs2', esl: '10.0.0.2:8021', password: 'two', weight: 2, switchname: 'fax-b' },
      ]),
    );
    expect(freeswitchNodes(config.freeswitch)).toEqual([
      { name: 'fs1', esl: '10.0.0.1:8021', password: 'one', channels: 30, weight: 1, switchname: 'fs1' },
      { name: 'fs2', esl: '10.0.0.2:8021', password: 'two', weight: 2, switchname: 'fax-b' },
    ]);
  });

  it('names the node and the field of an invalid value', () => {
    expect(failure(nodesEnv([{ name: 'fs1', esl: '10.0.0.1:8021', password: 'x' }, { name: 'fs2', esl: 'nowhere', password: 'y' }]))).toBe(
      'invalid configuration: freeswitch.nodes[1] (fs2).esl (FAXENGINE_FREESWITCH_NODES): expected host:port, e.g. 127.0.0.1:8080',
    );
    expect(failure(nodesEnv([{ name: 'fs1', esl: '10.0.0.1:8021' }]))).toBe(
      'invalid configuration: freeswitch.nodes[0] (fs1).password (FAXENGINE_FREESWITCH_NODES): required: the event socket password',
    );
    expect(failure(nodesEnv([{ name: 'fs1', esl: '10.0.0.1:8021', password: 'x', channels: 0 }]))).toMatch(/^invalid configuration: freeswitch\.nodes\[0\] \(fs1\)\.channels .*: Too small/);
    expect(failure(nodesEnv([{ name: 'fs1', esl: '10.0.0.1:8021', password: 'x', weight: 0 }]))).toMatch(/freeswitch\.nodes\[0\] \(fs1\)\.weight .*: must be more than 0$/);
    expect(failure(nodesEnv([{ name: 'fs1', esl: '10.0.0.1:8021', password: 'x', pasword: 'y' }]))).toMatch(/freeswitch\.nodes\[0\] \(fs1\) .*pasword/);
    expect(failure(nodesEnv([{ name: 'fs 1', esl: '10.0.0.1:8021', password: 'x' }]))).toMatch(/freeswitch\.nodes\[0\] \(fs 1\)\.name .*: letters, digits/);
  });

  it('refuses two nodes of one name, an empty list and text that is not JSON', () => {
    const node = { name: 'fs1', esl: '10.0.0.1:8021', password: 'x' };
    expect(failure(nodesEnv([node, { ...node, esl: '10.0.0.2:8021' }]))).toBe(
      'invalid configuration: freeswitch.nodes[1] (fs1).name (FAXENGINE_FREESWITCH_NODES): duplicate node name "fs1"',
    );
    expect(failure(nodesEnv([]))).toMatch(/freeswitch\.nodes .*: expected at least one node/);
    expect(failure({ FAXENGINE_FREESWITCH_NODES: 'fs1=10.0.0.1' })).toMatch(/freeswitch\.nodes \(FAXENGINE_FREESWITCH_NODES\): expected a JSON array of nodes/);
  });

  it('masks every node password in what is logged', () => {
    const config = load(nodesEnv([{ name: 'fs1', esl: '10.0.0.1:8021', password: 'topsecret1' }, { name: 'fs2', esl: '10.0.0.2:8021', password: 'topsecret2' }]));
    const logged = JSON.stringify(maskConfig(config));
    expect(logged).not.toContain('topsecret');
    expect(logged).toContain('"name":"fs2"');
  });
});
