import { createRequire } from 'node:module';
import type { CountryCode, parsePhoneNumberFromString as ParsePhoneNumber } from 'libphonenumber-js';
import { ValidationError } from '../errors.js';

let parsePhoneNumber: typeof ParsePhoneNumber | undefined;

/**
 * libphonenumber and its metadata are loaded on the first number that is not a plain North
 * American one: a server that never sees another keeps those megabytes out of its memory. A
 * synchronous require, because reading a number is synchronous.
 */
function parsePhoneNumberFromString(...args: Parameters<typeof ParsePhoneNumber>): ReturnType<typeof ParsePhoneNumber> {
  parsePhoneNumber ??= (createRequire(import.meta.url)('libphonenumber-js') as typeof import('libphonenumber-js')).parsePhoneNumberFromString;
  return parsePhoneNumber(...args);
}

/**
 * Reads a dialled or typed number as E.164. National numbers are read in `defaultCountry`
 * (so with US, `5551234567` and `+15551234567` are the same number). Only the length is checked
 * (`isPossible`), not the numbering plan, because fictitious ranges such as 555 are used in
 * tests and examples and carriers hand out ranges before the metadata knows them.
 */
export function toE164(input: string, defaultCountry: string, field = 'number'): string {
  const text = input.trim();
  const nanp = nanpE164(text, defaultCountry);
  if (nanp) return nanp;
  if (!/^[+\d(][\d\s().\-/]*$/.test(text)) throw new ValidationError(field, `"${input}" is not a phone number`);
  const parsed = parsePhoneNumberFromString(text, { defaultCountry: defaultCountry as CountryCode, extract: false });
  if (!parsed || !parsed.isPossible()) {
    throw new ValidationError(field, `"${input}" is not a possible phone number (read with default country ${defaultCountry})`);
  }
  return parsed.number;
}

const nanpDefaultCountries = new Set(['US', 'CA']);

/**
 * North American numbers in their three everyday digit-only forms (+1NXXNXXXXXX, 1NXXNXXXXXX and,
 * with a US or Canadian default, NXXNXXXXXX) are read without libphonenumber, which takes a third
 * of a millisecond per parse: most calling numbers are new to the lookup cache, and this sits on
 * every inbound call's path. The answer is the one libphonenumber gives (checked by a test).
 */
function nanpE164(text: string, defaultCountry: string): string | undefined {
  if (text.length === 12 && /^\+1[2-9]\d{9}$/.test(text)) return text;
  if (!nanpDefaultCountries.has(defaultCountry)) return undefined;
  if (text.length === 10 && /^[2-9]\d{9}$/.test(text)) return `+1${text}`;
  if (text.length === 11 && /^1[2-9]\d{9}$/.test(text)) return `+${text}`;
  return undefined;
}

const lookupCacheSize = 20_000;
const lookupCache = new Map<string, string | null>();

/**
 * Like `toE164` but answers undefined instead of throwing: for lookups of dialled numbers. Every
 * call looks up its dialled and calling numbers, and libphonenumber takes a third of a
 * millisecond per parse, so answers are remembered (a bounded cache, emptied when full).
 */
export function tryE164(input: string, defaultCountry: string): string | undefined {
  const key = `${defaultCountry}|${input}`;
  const cached = lookupCache.get(key);
  if (cached !== undefined) return cached ?? undefined;
  let answer: string | null;
  try {
    answer = toE164(input, defaultCountry);
  } catch {
    answer = null;
  }
  if (lookupCache.size >= lookupCacheSize) lookupCache.clear();
  lookupCache.set(key, answer);
  return answer ?? undefined;
}
