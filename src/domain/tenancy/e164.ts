import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { ValidationError } from '../errors.js';

/**
 * Reads a dialled or typed number as E.164. National numbers are read in `defaultCountry`
 * (so with US, `5551234567` and `+15551234567` are the same number). Only the length is checked
 * (`isPossible`), not the numbering plan, because fictitious ranges such as 555 are used in
 * tests and examples and carriers hand out ranges before the metadata knows them.
 */
export function toE164(input: string, defaultCountry: string, field = 'number'): string {
  const text = input.trim();
  if (!/^[+\d(][\d\s().\-/]*$/.test(text)) throw new ValidationError(field, `"${input}" is not a phone number`);
  const parsed = parsePhoneNumberFromString(text, { defaultCountry: defaultCountry as CountryCode, extract: false });
  if (!parsed || !parsed.isPossible()) {
    throw new ValidationError(field, `"${input}" is not a possible phone number (read with default country ${defaultCountry})`);
  }
  return parsed.number;
}

/** Like `toE164` but answers undefined instead of throwing: for lookups of dialled numbers. */
export function tryE164(input: string, defaultCountry: string): string | undefined {
  try {
    return toE164(input, defaultCountry);
  } catch {
    return undefined;
  }
}
