/**
 * FreeSWITCH's `switch_separate_string` (switch_utils.c), which every layer of an originate goes
 * through: the API's argument split (on spaces), the `{…}` block's split (on `,`) and each
 * variable's split (on the first `=`). A `'` pairs with a later `'` and protects delimiters, `\`
 * protects the next character; then each part is cleaned: quotes removed, `\'` `\"` `\\` and
 * `\<delim>` unescaped, `\n` `\r` `\t` `\s` turned into their characters, spaces trimmed. So
 * quotes and escapes are consumed once per layer, which is why a quoted comma does not survive
 * the `{…}` split: the quotes were already gone after the argument split.
 */
export function separateString(buf: string, delim: string, max: number): string[] {
  let text = buf;
  let separator = delim;
  if (text.startsWith('^^') && text.length > 3) {
    separator = text[2] as string;
    text = text.slice(3);
  }
  const parts = separator === ' ' ? splitOnBlanks(text, max) : splitOnChar(text, separator, max);
  return parts.map((part) => cleanup(part, separator === ' ' ? '' : separator));
}

function splitOnChar(text: string, delim: string, max: number): string[] {
  const parts: string[] = [];
  let start = -1;
  let quoted = false;
  for (let i = 0; i < text.length && (start !== -1 || parts.length < max); i++) {
    if (start === -1) start = i;
    const char = text[i];
    if (char === '\\') i++;
    else if (char === "'" && (quoted || text.indexOf("'", i + 1) !== -1)) quoted = !quoted;
    else if (char === delim && !quoted && parts.length + 1 < max) {
      parts.push(text.slice(start, i));
      start = -1;
    }
  }
  if (start !== -1) parts.push(text.slice(start));
  return parts;
}

function splitOnBlanks(text: string, max: number): string[] {
  const parts: string[] = [];
  let i = 0;
  while (i < text.length && parts.length < max) {
    const start = i;
    while (i < text.length && text[i] === ' ') i++;
    let quoted = false;
    let end = text.length;
    for (; i < text.length; i++) {
      const char = text[i];
      if (char === '\\') i++;
      else if (char === "'") quoted = !quoted;
      else if (char === ' ' && !quoted && parts.length + 1 < max) {
        end = i;
        break;
      }
    }
    parts.push(text.slice(start, end));
    i = end + 1;
    while (i < text.length && text[i] === ' ') i++;
  }
  return parts;
}

const UNESCAPED: Record<string, string> = { n: '\n', r: '\r', t: '\t', s: ' ' };

/** `cleanup_separated_string`: quotes out, escapes resolved, leading and unquoted trailing spaces trimmed. */
function cleanup(part: string, delim: string): string {
  let i = 0;
  while (part[i] === ' ') i++;
  let out = '';
  let end: number | undefined;
  let quoted = false;
  for (; i < part.length; i++) {
    const char = part[i] as string;
    const next = part[i + 1];
    if (char === '\\' && next !== undefined && (next === "'" || next === '"' || next === '\\' || (delim !== '' && next === delim) || UNESCAPED[next])) {
      out += UNESCAPED[next] ?? next;
      end = out.length;
      i++;
    } else if (char === "'" && (quoted || part.indexOf("'", i + 1) !== -1)) {
      quoted = !quoted;
      if (quoted) end = out.length;
    } else {
      out += char;
      if (char !== ' ' || quoted) end = out.length;
    }
  }
  return end === undefined ? out : out.slice(0, end);
}

/** `switch_find_end_paren`: the index of the `close` that matches the `open` at the start (after spaces). */
export function findEndParen(text: string, open: string, close: string): number {
  let i = 0;
  while (text[i] === ' ') i++;
  if (text[i] !== open) return -1;
  let depth = 0;
  for (; i < text.length; i++) {
    if (text[i] === open) depth++;
    else if (text[i] === close && --depth === 0) return i;
  }
  return -1;
}
