import { z } from 'zod';
import { ValidationError } from '../errors.js';

/**
 * How hard faxengine tries to deliver one outbound fax. Every number is configurable globally,
 * per tenant and per fax (`mergeSendPolicy`). Delays are milliseconds.
 */
export interface SendPolicy {
  /**
   * Call attempts per fax, in total, across all gateways: every originate counts, answered or
   * not. (HylaFAX keeps two budgets, MaxDials for call set-ups and MaxTries for fax sessions; one
   * budget is easier to reason about and the per-class delays already separate the cases.)
   */
  maxAttempts: number;
  /** Wait after a busy line before dialling again (HylaFAX JobReqBusy). */
  busyRetryDelayMs: number;
  /** Wait after no answer, or after something answered that was not a fax (HylaFAX JobReqNoAnswer/NoCarrier). */
  noAnswerRetryDelayMs: number;
  /** Wait after any other transient failure: negotiation, page transfer, unknown (HylaFAX JobReqProto is 60 s, JobReqOther 300 s). */
  failureRetryDelayMs: number;
  /** After this many page-transfer failures of a fax, its next attempt goes without ECM; 0 = never. */
  disableEcmAfterAttempts: number;
  /** After this many negotiation (training) failures of a fax, its next attempt goes without V.17 (9600 bps max); 0 = never. */
  disableV17AfterAttempts: number;
  /** How long a gateway that failed a call set-up is skipped for the rest of this fax's attempts. */
  gatewayCooldownMs: number;
}

export const defaultSendPolicy: SendPolicy = {
  maxAttempts: 3,
  busyRetryDelayMs: 180_000,
  noAnswerRetryDelayMs: 300_000,
  failureRetryDelayMs: 120_000,
  disableEcmAfterAttempts: 2,
  disableV17AfterAttempts: 1,
  gatewayCooldownMs: 60_000,
};

const wholeNumber = (min: number, max: number, what: string) => {
  const error = `must be a whole number ${min}–${max}${what}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};

// Delays start at 1 s so that a misconfiguration cannot turn retries into a dialling loop.
const delay = wholeNumber(1_000, 86_400_000, ' (milliseconds, 1 s–24 h)');
// More than 20 calls to one number is harassment of the far end, not persistence.
const attemptCount = wholeNumber(1, 20, '');
const threshold = wholeNumber(0, 20, ' (0 = never)');

export const sendPolicySchema = z.strictObject({
  maxAttempts: attemptCount,
  busyRetryDelayMs: delay,
  noAnswerRetryDelayMs: delay,
  failureRetryDelayMs: delay,
  disableEcmAfterAttempts: threshold,
  disableV17AfterAttempts: threshold,
  gatewayCooldownMs: delay,
});

/** Any subset of the policy; a key left out (or undefined) keeps the value of the level below. */
export const sendPolicyOverrideSchema = sendPolicySchema.partial();
export type SendPolicyOverride = z.infer<typeof sendPolicyOverrideSchema>;

const policyKeys = Object.keys(defaultSendPolicy) as Array<keyof SendPolicy>;

/**
 * Validates an override (from the API, a tenant's settings, configuration). Throws a
 * `ValidationError` whose field is `<field>.<key>`, e.g. `sendPolicy.maxAttempts`.
 */
export function parseSendPolicyOverride(input: unknown, field: string): SendPolicyOverride {
  const result = sendPolicyOverrideSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    throw new ValidationError(`${field}.${issue.keys[0] ?? ''}`, `is not a send policy setting (known: ${policyKeys.join(', ')})`);
  }
  const key = issue.path.map(String).join('.');
  throw new ValidationError(key ? `${field}.${key}` : field, issue.path.length === 0 ? 'must be an object' : issue.message);
}

/**
 * The policy for one fax: the fax's override over the tenant's over the global policy. Every level
 * is validated; an error names the level and the key (`tenant.maxAttempts: must be …`).
 */
export function mergeSendPolicy(global: SendPolicy, tenant?: SendPolicyOverride, fax?: SendPolicyOverride): SendPolicy {
  const base = parseSendPolicyOverride(global, 'global');
  // The global policy must be complete on its own: a key missing there is a configuration bug, not a default.
  const missing = policyKeys.find((key) => base[key] === undefined);
  if (missing !== undefined) throw new ValidationError(`global.${missing}`, 'is required');
  const merged = { ...base } as SendPolicy;
  for (const layer of [tenant === undefined ? {} : parseSendPolicyOverride(tenant, 'tenant'), fax === undefined ? {} : parseSendPolicyOverride(fax, 'fax')]) {
    for (const key of policyKeys) {
      const value = layer[key];
      if (value !== undefined) merged[key] = value;
    }
  }
  return merged;
}
