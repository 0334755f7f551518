import { mergeSendPolicy, parseSendPolicyOverride, type SendPolicy, type SendPolicyOverride } from './sendPolicy.js';

/** Which override was ignored, named as the API names it: the tenant's `settings.sendPolicy` or the fax's `policy`. */
export type PolicyLevel = 'settings.sendPolicy' | 'policy';

/**
 * The policy one fax is sent with: its own `policy` over its tenant's `settings.sendPolicy` over
 * the global policy. Both overrides were validated when they were written; one that no longer
 * parses (a stricter rule since) is reported and skipped, and the other levels still apply.
 */
export function policyForFax(
  global: SendPolicy,
  tenantPolicy: unknown,
  faxPolicy: unknown,
  onInvalid: (error: unknown, level: PolicyLevel) => void,
): SendPolicy {
  const layer = (value: unknown, level: PolicyLevel): SendPolicyOverride | undefined => {
    if (value === undefined || value === null) return undefined;
    try {
      return parseSendPolicyOverride(value, level);
    } catch (error) {
      onInvalid(error, level);
      return undefined;
    }
  };
  return mergeSendPolicy(global, layer(tenantPolicy, 'settings.sendPolicy'), layer(faxPolicy, 'policy'));
}
