import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/domain/errors.js';
import { defaultSendPolicy, mergeSendPolicy, parseSendPolicyOverride, type SendPolicy } from '../../../../src/domain/outbound/sendPolicy.js';

function validationErrorOf(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('send policy', () => {
  it('defaults to HylaFAX-like delays and three attempts', () => {
    expect(defaultSendPolicy).toEqual({
      maxAttempts: 3,
      busyRetryDelayMs: 180_000,
      noAnswerRetryDelayMs: 300_000,
      failureRetryDelayMs: 120_000,
      disableEcmAfterAttempts: 2,
      disableV17AfterAttempts: 1,
      gatewayCooldownMs: 60_000,
    });
  });

  it.each<[string, Partial<SendPolicy> | undefined, Partial<SendPolicy> | undefined, Partial<SendPolicy>]>([
    ['no overrides: the global policy', undefined, undefined, {}],
    ['the tenant overrides the global policy', { maxAttempts: 5 }, undefined, { maxAttempts: 5 }],
    ['the fax overrides the tenant', { maxAttempts: 5, busyRetryDelayMs: 60_000 }, { maxAttempts: 2 }, { maxAttempts: 2, busyRetryDelayMs: 60_000 }],
    ['the fax alone', undefined, { disableEcmAfterAttempts: 0 }, { disableEcmAfterAttempts: 0 }],
    ['undefined keys keep the level below', { maxAttempts: undefined, gatewayCooldownMs: 5_000 }, { maxAttempts: undefined }, { gatewayCooldownMs: 5_000 }],
  ])('%s', (_, tenant, fax, expected) => {
    expect(mergeSendPolicy(defaultSendPolicy, tenant, fax)).toEqual({ ...defaultSendPolicy, ...expected });
  });

  it('does not change the policies it merges', () => {
    const global = { ...defaultSendPolicy };
    mergeSendPolicy(global, { maxAttempts: 7 }, { maxAttempts: 8 });
    expect(global).toEqual(defaultSendPolicy);
  });

  it.each<[string, () => unknown, string, RegExp]>([
    ['zero attempts', () => mergeSendPolicy(defaultSendPolicy, { maxAttempts: 0 }), 'tenant.maxAttempts', /whole number 1–20/],
    ['too many attempts', () => mergeSendPolicy(defaultSendPolicy, undefined, { maxAttempts: 21 }), 'fax.maxAttempts', /whole number 1–20/],
    ['fractional attempts', () => mergeSendPolicy(defaultSendPolicy, undefined, { maxAttempts: 2.5 }), 'fax.maxAttempts', /whole number/],
    ['a delay under a second', () => mergeSendPolicy(defaultSendPolicy, { busyRetryDelayMs: 999 }), 'tenant.busyRetryDelayMs', /1 s–24 h/],
    ['a delay over a day', () => mergeSendPolicy(defaultSendPolicy, { noAnswerRetryDelayMs: 86_400_001 }), 'tenant.noAnswerRetryDelayMs', /1 s–24 h/],
    ['a negative threshold', () => mergeSendPolicy(defaultSendPolicy, undefined, { disableV17AfterAttempts: -1 }), 'fax.disableV17AfterAttempts', /0 = never/],
    ['a zero cooldown', () => mergeSendPolicy(defaultSendPolicy, undefined, { gatewayCooldownMs: 0 }), 'fax.gatewayCooldownMs', /1 s–24 h/],
    ['text for a number', () => parseSendPolicyOverride({ failureRetryDelayMs: '2m' }, 'sendPolicy'), 'sendPolicy.failureRetryDelayMs', /whole number/],
    ['an unknown key', () => parseSendPolicyOverride({ maxRetries: 3 }, 'sendPolicy'), 'sendPolicy.maxRetries', /not a send policy setting.*maxAttempts/],
    ['not an object', () => parseSendPolicyOverride(3, 'sendPolicy'), 'sendPolicy', /must be an object/],
    ['a bad global value', () => mergeSendPolicy({ ...defaultSendPolicy, failureRetryDelayMs: 10 }), 'global.failureRetryDelayMs', /1 s–24 h/],
    ['an incomplete global policy', () => mergeSendPolicy({ maxAttempts: 3 } as SendPolicy), 'global.busyRetryDelayMs', /is required/],
  ])('rejects %s, naming the field', (_, run, field, message) => {
    const error = validationErrorOf(run);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(new RegExp(`^${field.replace('.', '\\.')}: `));
    expect(error.message).toMatch(message);
  });
});
