import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/loadConfig.js';
import { makeTempDir } from '../../support/tempDir.js';

describe('console configuration', () => {
  const load = (env: Record<string, string>) => {
    const dir = makeTempDir('console-config');
    try {
      return loadConfig({ env, cwd: dir.path }).config;
    } finally {
      dir.remove();
    }
  };

  it('signs idle browsers out after 30 minutes by default, or after console.sessionIdleTimeout', () => {
    expect(load({}).console.sessionIdleTimeout).toBe(1_800_000);
    expect(load({ FAXENGINE_CONSOLE_SESSION_IDLE_TIMEOUT: '2h' }).console.sessionIdleTimeout).toBe(7_200_000);
  });

  it('refuses a timeout under a minute, naming the key', () => {
    expect(() => load({ FAXENGINE_CONSOLE_SESSION_IDLE_TIMEOUT: '10s' })).toThrow(/console\.sessionIdleTimeout/);
  });
});
