const HEX = Array.from({ length: 256 }, (_, b) => '%' + b.toString(16).toUpperCase().padStart(2, '0'));

/** The 23 characters of FreeSWITCH's SWITCH_URL_UNSAFE set (reference §1.3), as byte values. */
const UNSAFE = new Set(Array.from('\r\n #%&+:;<=>?@[\\]^`{|}"', (c) => c.charCodeAt(0)));

/** Fast path: most values (uuids, numbers, state names) contain nothing to encode. */
const NEEDS_ENCODING = /[^\x21-\x7e]|[#%&+:;<=>?@[\\\]^`{|}"]/;

const isUpperHex = (b: number | undefined): boolean =>
  b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46));

/**
 * URL-encodes a header value exactly like `switch_url_encode_opt` (reference §1.3): bytes below
 * 0x20, above 0x7E and the unsafe set become uppercase `%XX`; a `%` that already starts an
 * uppercase `%XX` escape is kept as is, so FreeSWITCH never double-encodes.
 */
export function fsUrlEncode(value: string): string {
  if (!NEEDS_ENCODING.test(value)) return value;
  const bytes = Buffer.from(value, 'utf8');
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === 0x25 && isUpperHex(bytes[i + 1]) && isUpperHex(bytes[i + 2])) {
      out += '%';
    } else if (b < 0x20 || b > 0x7e || UNSAFE.has(b)) {
      out += HEX[b];
    } else {
      out += String.fromCharCode(b);
    }
  }
  return out;
}

/** Decodes `%XX` escapes leniently (invalid sequences stay as they are), for `fax_ident` & co. */
export function fsUrlDecode(value: string): string {
  if (!value.includes('%')) return value;
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const hex = value.slice(i + 1, i + 3);
    if (value[i] === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(value[i] as string, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
