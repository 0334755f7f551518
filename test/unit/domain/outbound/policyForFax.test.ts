import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/domain/errors.js';
import { policyForFax, type PolicyLevel } from '../../../../src/domain/outbound/policyForFax.js';
import { defaultSendPolicy } from '../../../../src/domain/outbound/sendPolicy.js';

describe('policy for a fax', () => {
  const run = (tenant: unknown, fax: unknown) => {
    const ignored: [PolicyLevel, string][] = [];
    const policy = policyForFax(defaultSendPolicy, tenant, fax, (error, level) => ignored.push([level, (error as ValidationError).field]));
    return { policy, ignored };
  };

  it.each<[string, unknown, unknown, object]>([
    ['neither tenant nor fax: the global policy', undefined, undefined, {}],
    ['a tenant without a policy (null) inherits', null, undefined, {}],
    ["the tenant's policy over the global one", { maxAttempts: 5, gatewayCooldownMs: 10_000 }, undefined, { maxAttempts: 5, gatewayCooldownMs: 10_000 }],
    ["the fax's policy over the tenant's, key by key", { maxAttempts: 5, gatewayCooldownMs: 10_000 }, { maxAttempts: 2 }, { maxAttempts: 2, gatewayCooldownMs: 10_000 }],
    ['the fax alone', null, { busyRetryDelayMs: 30_000 }, { busyRetryDelayMs: 30_000 }],
  ])('%s', (_, tenant, fax, expected) => {
    expect(run(tenant, fax)).toEqual({ policy: { ...defaultSendPolicy, ...expected }, ignored: [] });
  });

  it('skips an override that no longer parses, reports it by level and key, and keeps the other level', () => {
    expect(run({ maxAttempts: 50 }, { busyRetryDelayMs: 30_000 })).toEqual({
      policy: { ...defaultSendPolicy, busyRetryDelayMs: 30_000 },
      ignored: [['settings.sendPolicy', 'settings.sendPolicy.maxAttempts']],
    });
    expect(run({ maxAttempts: 5 }, { maxTries: 9 })).toEqual({ policy: { ...defaultSendPolicy, maxAttempts: 5 }, ignored: [['policy', 'policy.maxTries']] });
  });
});
