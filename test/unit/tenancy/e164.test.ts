import { describe, expect, it } from 'vitest';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { ValidationError } from '../../../src/domain/errors.js';
import { toE164, tryE164 } from '../../../src/domain/tenancy/e164.js';

describe('toE164', () => {
  it.each([
    ['5551234567', 'US', '+15551234567'],
    ['+15551234567', 'US', '+15551234567'],
    ['15551234567', 'US', '+15551234567'],
    ['(555) 123-4567', 'US', '+15551234567'],
    ['+44 20 7946 0958', 'US', '+442079460958'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['030 123456', 'DE', '+4930123456'],
    ['+49 30 123456', 'US', '+4930123456'],
  ])('reads %s (default %s) as %s', (input, country, expected) => {
    expect(toE164(input, country)).toBe(expected);
  });

  it('never truncates long international numbers to ten digits (the original did)', () => {
    expect(toE164('+442079460958', 'US')).toHaveLength(13);
  });

  it.each(['abc', '12', '+1555123456789', '555-CALL-NOW', ''])('rejects %j naming the field', (input) => {
    expect(() => toE164(input, 'US', 'cid')).toThrow(ValidationError);
    try {
      toE164(input, 'US', 'cid');
    } catch (error) {
      expect((error as ValidationError).field).toBe('cid');
    }
  });

  it('answers undefined from tryE164 for junk', () => {
    expect(tryE164('junk', 'US')).toBeUndefined();
    expect(tryE164('5551234567', 'US')).toBe('+15551234567');
  });
});

describe('the North American fast path', () => {
  // Random NANP-shaped numbers in each form, including area and exchange codes 0xx/1xx that the
  // fast path leaves to libphonenumber: both must give the same answer (or both refuse).
  const digits = (count: number) => Array.from({ length: count }, () => Math.floor(Math.random() * 10)).join('');
  const samples = Array.from({ length: 300 }, () => digits(10)).flatMap((national) => [national, `1${national}`, `+1${national}`]);

  it.each(['US', 'CA', 'GB', 'DE'])('answers what libphonenumber answers with default country %s', (country) => {
    for (const input of samples) {
      const parsed = parsePhoneNumberFromString(input, { defaultCountry: country as CountryCode, extract: false });
      const expected = parsed?.isPossible() ? parsed.number : 'refused';
      let actual: string;
      try {
        actual = toE164(input, country);
      } catch {
        actual = 'refused';
      }
      expect(`${input} → ${actual}`).toBe(`${input} → ${expected}`);
    }
  });
});
