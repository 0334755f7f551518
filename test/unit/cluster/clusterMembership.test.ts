import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/loadConfig.js';
import { clusterMembership } from '../../../src/mainCluster.js';
import { systemClock } from '../../../src/ports/clock.js';
import type { EventStore } from '../../../src/ports/eventStore.js';
import { makeTempDir } from '../../support/tempDir.js';

const storeWithoutLeases = {} as EventStore;

describe('cluster membership', () => {
  it('keeps an instance id in the data directory, so a restarted instance is the same one; a configured id wins', () => {
    const dir = makeTempDir('membership');
    try {
      const config = (env: Record<string, string> = {}) => loadConfig({ cwd: dir.path, env: { FAXENGINE_DATA_DIR: dir.path, ...env } }).config;
      const first = clusterMembership(config(), storeWithoutLeases, systemClock).instanceId;
      expect(first).toMatch(/^[A-Za-z0-9._:-]+-[0-9a-f]{8}$/);
      expect(readFileSync(join(dir.path, 'instance-id'), 'utf8').trim()).toBe(first);
      expect(clusterMembership(config(), storeWithoutLeases, systemClock).instanceId).toBe(first);
      expect(clusterMembership(config({ FAXENGINE_CLUSTER_INSTANCE_ID: 'fax-a' }), storeWithoutLeases, systemClock).instanceId).toBe('fax-a');
    } finally {
      dir.remove();
    }
  });
});
