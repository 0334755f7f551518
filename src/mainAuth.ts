import type { Config } from './config/schema.js';
import type { TenancyApiOptions } from './api/tenancyApi.js';

/** The `auth.*` configuration as the tenancy API takes it. */
export function tenancyAuthOptions(config: Pick<Config, 'auth'>): Pick<TenancyApiOptions, 'loginThrottle' | 'passwordChecks' | 'trustedProxies' | 'verifiedCredentials'> {
  const { auth } = config;
  const policy = (freeFailures: number) => ({ freeFailures, baseDelayMs: auth.throttleDelay, maxDelayMs: Math.max(auth.throttleDelay, auth.throttleMaxDelay), forgetAfterMs: auth.forgetFailuresAfter });
  return {
    loginThrottle: { address: policy(auth.addressFreeFailures), account: policy(auth.accountFreeFailures) },
    passwordChecks: { concurrency: auth.passwordCheckConcurrency, maxQueued: auth.passwordCheckQueue },
    trustedProxies: auth.trustedProxies,
    verifiedCredentials: { ttlMs: auth.credentialsCacheTtl, maxEntries: auth.credentialsCacheSize },
  };
}
