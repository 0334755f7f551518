import { describe, expect, it } from 'vitest';
import { createFailureCounters } from '../../../src/api/auth/failureCounters.js';

const policy = { freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 8000, forgetAfterMs: 60_000 };

describe('failure counters', () => {
  it('gives free failures, then doubles the wait up to the maximum', () => {
    const counters = createFailureCounters(policy);
    let now = 0;
    const failOnce = () => {
      now += counters.waitMs('k', now);
      counters.begin('k', now);
      counters.fail('k', now);
      return counters.waitMs('k', now);
    };
    expect([failOnce(), failOnce(), failOnce(), failOnce(), failOnce(), failOnce(), failOnce()]).toEqual([0, 0, 1000, 2000, 4000, 8000, 8000]);
    expect(counters.hasFailed('k', now)).toBe(true);
    now += 8000 + 60_000;
    expect(counters.waitMs('k', now)).toBe(0);
    expect(counters.hasFailed('k', now)).toBe(false);
  });

  it('counts attempts in flight, so a burst gets only its free tries; a success gives its try back', () => {
    const counters = createFailureCounters(policy);
    for (let i = 0; i < 3; i++) counters.begin('k', 0);
    expect(counters.waitMs('k', 0)).toBeGreaterThan(0);
    counters.release('k');
    expect(counters.waitMs('k', 0)).toBe(0);
    expect(counters.hasFailed('k', 0)).toBe(false);
  });

  it('stays within its bound under a spray of distinct keys, keeping the latest', () => {
    const counters = createFailureCounters(policy, 1000);
    for (let i = 0; i < 5000; i++) {
      counters.begin(`k${i}`, i);
      counters.fail(`k${i}`, i);
    }
    expect(counters.hasFailed('k4999', 5000)).toBe(true);
    expect(counters.hasFailed('k0', 5000)).toBe(false);
  });
});
