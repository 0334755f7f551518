import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/loadConfig.js';
import { maskConfig } from '../../../src/config/maskConfig.js';
import { makeTempDir } from '../../support/tempDir.js';

describe('metrics configuration', () => {
  const dir = makeTempDir('metrics-config');
  afterAll(() => dir.remove());

  it('defaults: on, no token, no allow-list (loopback only), 100 tenant labels', () => {
    expect(loadConfig({ env: {}, cwd: dir.path }).config.metrics).toEqual({ enabled: true, allowFrom: [], maxTenantLabels: 100 });
  });

  it('reads every key from the environment, and masks the token in the logged configuration', () => {
    const { config } = loadConfig({
      cwd: dir.path,
      env: {
        FAXENGINE_METRICS_ENABLED: 'off',
        FAXENGINE_METRICS_BEARER_TOKEN: 'a-long-scrape-token',
        FAXENGINE_METRICS_ALLOW_FROM: '10.0.0.0/8, 192.0.2.7',
        FAXENGINE_METRICS_MAX_TENANT_LABELS: '500',
      },
    });
    expect(config.metrics).toEqual({ enabled: false, bearerToken: 'a-long-scrape-token', allowFrom: ['10.0.0.0/8', '192.0.2.7'], maxTenantLabels: 500 });
    expect(JSON.stringify(maskConfig(config))).not.toContain('a-long-scrape-token');
  });

  it('refuses an allow-list entry that is not an address or CIDR block, naming the key', () => {
    expect(() => loadConfig({ cwd: dir.path, env: { FAXENGINE_METRICS_ALLOW_FROM: 'prometheus.local' } })).toThrow(/metrics\.allowFrom.*FAXENGINE_METRICS_ALLOW_FROM/);
  });
});
