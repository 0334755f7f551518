import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/loadConfig.js';
import { makeTempDir } from '../../support/tempDir.js';

const load = (env: Record<string, string>) => {
  const dir = makeTempDir('records-config');
  try {
    return loadConfig({ env, cwd: dir.path }).config.records;
  } finally {
    dir.remove();
  }
};

describe('records configuration', () => {
  it('defaults: the access trail on, no retention limits, faxes kept for ever, 20 purges a second, a sweep an hour', () => {
    expect(load({})).toEqual({ accessTrail: true, retention: {}, purgeRate: 20, retentionSweepInterval: 3_600_000 });
  });

  it('reads every key from the environment', () => {
    expect(
      load({
        FAXENGINE_RECORDS_RETENTION_MIN_DAYS: '7',
        FAXENGINE_RECORDS_RETENTION_MAX_DAYS: '3650',
        FAXENGINE_RECORDS_RETENTION_DEFAULT_DAYS: '90',
        FAXENGINE_RECORDS_PURGE_RATE: '5',
        FAXENGINE_RECORDS_RETENTION_SWEEP_INTERVAL: '10m',
        FAXENGINE_RECORDS_ACCESS_TRAIL: 'false',
      }),
    ).toEqual({ accessTrail: false, retention: { minDays: 7, maxDays: 3650, defaultDays: 90 }, purgeRate: 5, retentionSweepInterval: 600_000 });
  });

  it('refuses limits that contradict each other, naming the key', () => {
    expect(() => load({ FAXENGINE_RECORDS_RETENTION_MIN_DAYS: '30', FAXENGINE_RECORDS_RETENTION_MAX_DAYS: '7' })).toThrow(/records\.retention\.minDays.*must not exceed maxDays \(7\)/);
    expect(() => load({ FAXENGINE_RECORDS_RETENTION_MAX_DAYS: '30', FAXENGINE_RECORDS_RETENTION_DEFAULT_DAYS: '90' })).toThrow(/records\.retention\.defaultDays.*must lie within/);
    expect(() => load({ FAXENGINE_RECORDS_PURGE_RATE: '0' })).toThrow(/records\.purgeRate/);
  });
});
