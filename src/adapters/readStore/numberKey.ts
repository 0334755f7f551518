import { tryE164 } from '../../domain/tenancy/e164.js';

/**
 * How the read store indexes a phone number, and reads the number a user searches for: E.164 when
 * it reads as one in `defaultCountry` (so `5551234567`, `(555) 123-4567` and `+15551234567` meet),
 * else its digits (caller IDs that are not numbers, such as `0049…` from odd carriers), else the
 * text itself (`anonymous`). Stored and searched numbers go through the same function, so they
 * always meet when they name the same number.
 */
export function createNumberKey(defaultCountry: string): (raw: string) => string {
  return (raw) => {
    const text = raw.trim();
    return tryE164(text, defaultCountry) ?? (text.replace(/\D/g, '') || text.toLowerCase());
  };
}
