import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/loadConfig.js';
import { tenancyAuthOptions } from '../../../src/mainAuth.js';
import { defaultLoginThrottle } from '../../../src/api/auth/loginRateLimiter.js';
import { makeTempDir } from '../../support/tempDir.js';

describe('auth configuration', () => {
  it('defaults to the throttle the README documents', () => {
    const dir = makeTempDir('auth-config');
    try {
      const options = tenancyAuthOptions(loadConfig({ env: {}, cwd: dir.path }).config);
      expect(options.loginThrottle).toEqual(defaultLoginThrottle);
      expect(options.passwordChecks).toEqual({ concurrency: 2, maxQueued: 100 });
      expect(options.trustedProxies).toEqual([]);
      expect(options.verifiedCredentials).toEqual({ ttlMs: 60_000, maxEntries: 10_000 });
    } finally {
      dir.remove();
    }
  });

  it('reads every key from the environment', () => {
    const dir = makeTempDir('auth-config');
    try {
      const { config } = loadConfig({
        cwd: dir.path,
        env: {
          FAXENGINE_AUTH_ADDRESS_FREE_FAILURES: '3',
          FAXENGINE_AUTH_ACCOUNT_FREE_FAILURES: '20',
          FAXENGINE_AUTH_THROTTLE_DELAY: '2s',
          FAXENGINE_AUTH_THROTTLE_MAX_DELAY: '1m',
          FAXENGINE_AUTH_FORGET_FAILURES_AFTER: '1h',
          FAXENGINE_AUTH_PASSWORD_CHECK_CONCURRENCY: '1',
          FAXENGINE_AUTH_PASSWORD_CHECK_QUEUE: '10',
          FAXENGINE_AUTH_TRUSTED_PROXIES: '10.0.0.1, ::1',
          FAXENGINE_AUTH_CREDENTIALS_CACHE_TTL: '30s',
          FAXENGINE_AUTH_CREDENTIALS_CACHE_SIZE: '500',
        },
      });
      const options = tenancyAuthOptions(config);
      expect(options.loginThrottle).toEqual({
        address: { freeFailures: 3, baseDelayMs: 2000, maxDelayMs: 60_000, forgetAfterMs: 3_600_000 },
        account: { freeFailures: 20, baseDelayMs: 2000, maxDelayMs: 60_000, forgetAfterMs: 3_600_000 },
      });
      expect(options.passwordChecks).toEqual({ concurrency: 1, maxQueued: 10 });
      expect(options.trustedProxies).toEqual(['10.0.0.1', '::1']);
      expect(options.verifiedCredentials).toEqual({ ttlMs: 30_000, maxEntries: 500 });
    } finally {
      dir.remove();
    }
  });
});
