import { findEndParen, separateString } from './separateString.js';

/** One endpoint of a dial string, with its own `[var=value]` block merged over the `{}` block. */
export interface Endpoint {
  raw: string;
  vars: Map<string, string>;
  kind: 'gateway' | 'profile' | 'error' | 'unsupported';
  /** Gateway name, sofia profile, or hangup cause for `error/<CAUSE>`. */
  target: string;
  number: string;
}

/** A parsed dial string: `|`-separated groups tried in order, each `,`-separated group rung at once. */
export interface DialString {
  vars: Map<string, string>;
  groups: Endpoint[][];
}

export interface OriginateRequest extends DialString {
  app?: { name: string; arg: string };
  exten?: string;
  timeoutSeconds?: number;
}

const OPEN: Record<string, string> = { '{': '}', '[': ']', '(': ')' };

/** Splits on `separator` outside `{}`, `[]`, `()` and single quotes. */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  const stack: string[] = [];
  let quoted = false;
  let current = '';
  for (const char of text) {
    if (char === "'") quoted = !quoted;
    else if (!quoted && OPEN[char]) stack.push(OPEN[char] as string);
    else if (!quoted && char === stack[stack.length - 1]) stack.pop();
    if (char === separator && stack.length === 0 && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

/**
 * `[a=b,c=d]` leg blocks (and `^^:a=b:c=d` with a custom delimiter) → ordered variables. Leg
 * blocks keep the simulator's simpler rule (quotes protect delimiters and are removed).
 */
export function parseVarBlock(body: string, into = new Map<string, string>()): Map<string, string> {
  let delimiter = ',';
  let text = body;
  if (text.startsWith('^^') && text.length > 2) {
    delimiter = text[2] as string;
    text = text.slice(3);
  }
  for (const pair of splitTopLevel(text, delimiter)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const value = pair.slice(eq + 1).replace(/^'(.*)'$/s, '$1');
    into.set(pair.slice(0, eq).trim(), value);
  }
  return into;
}

/**
 * The `{…}` blocks at the start of a dial string, as `switch_event_create_brackets` reads them:
 * the block ends at the `}` that balances the first `{` (quotes do not count), its body splits on
 * `,` (or the `^^X` delimiter) and each variable on its first `=`, with FreeSWITCH's quote and
 * escape rules (see separateString). Undefined when a block does not end: "Parse Error!".
 */
export function parseGlobalBlocks(text: string, into = new Map<string, string>()): { vars: Map<string, string>; rest: string } | undefined {
  let rest = text.trimStart();
  while (rest.startsWith('{')) {
    const end = findEndParen(rest, '{', '}');
    if (end === -1) return undefined;
    let body = rest.slice(1, end);
    let delimiter = ',';
    if (body.startsWith('^^') && body.length > 2) {
      delimiter = body[2] as string;
      body = body.slice(3);
    }
    for (const variable of separateString(body, delimiter, 1024)) {
      const pair = separateString(variable, '=', 2);
      if (pair.length === 2) into.set(pair[0] as string, pair[1] as string);
    }
    rest = rest.slice(end + 1).trimStart();
  }
  return { vars: into, rest };
}

function takeBlock(text: string, open: string, close: string): [string | undefined, string] {
  if (!text.startsWith(open)) return [undefined, text];
  const end = text.indexOf(close);
  if (end === -1) return [undefined, text];
  return [text.slice(1, end), text.slice(end + 1)];
}

function parseEndpoint(raw: string, globals: Map<string, string>): Endpoint {
  const [legBlock, rest] = takeBlock(raw.trim(), '[', ']');
  const vars = new Map(globals);
  if (legBlock !== undefined) parseVarBlock(legBlock, vars);
  const gateway = /^sofia\/gateway\/([^/]+)\/(.+)$/.exec(rest);
  if (gateway) return { raw: rest, vars, kind: 'gateway', target: gateway[1] ?? '', number: gateway[2] ?? '' };
  const profile = /^sofia\/([^/]+)\/([^@]+)(@.*)?$/.exec(rest);
  if (profile) return { raw: rest, vars, kind: 'profile', target: profile[1] ?? '', number: profile[2] ?? '' };
  const error = /^error\/(.+)$/.exec(rest);
  if (error) return { raw: rest, vars, kind: 'error', target: error[1] ?? '', number: '' };
  return { raw: rest, vars, kind: 'unsupported', target: '', number: '' };
}

/** Parses `{vars}[leg]ep1,[leg]ep2|ep3` (reference §2.4); undefined on a `{…}` parse error. */
export function parseDialString(text: string): DialString | undefined {
  const global = parseGlobalBlocks(text);
  if (!global) return undefined;
  const groups = splitTopLevel(global.rest, '|')
    .map((group) => splitTopLevel(group, ',').filter((ep) => ep.trim() !== '').map((ep) => parseEndpoint(ep, global.vars)))
    .filter((group) => group.length > 0);
  return { vars: global.vars, groups };
}

/** Why an originate never placed a call: bad arguments (`-USAGE`) or a dial string FreeSWITCH cannot parse. */
export type OriginateParseError = { error: 'usage' } | { error: 'parse' };

/**
 * `originate <url> <exten>|&<app>(<arg>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout>]`.
 * The arguments split on spaces as mod_commands splits them (2 to 7 of them), so an unquoted
 * space inside `{…}` cuts the dial string and its block never ends: a parse error, which
 * FreeSWITCH answers `-ERR DESTINATION_OUT_OF_ORDER` (captures/parseerror.raw).
 */
export function parseOriginate(args: string): OriginateRequest | OriginateParseError {
  const words = separateString(args.trim(), ' ', 10);
  if (words.length < 2 || words.length > 7) return { error: 'usage' };
  const [url = '', target = ''] = words;
  const dial = parseDialString(url);
  if (!dial) return { error: 'parse' };
  if (dial.groups.length === 0) return { error: 'usage' };
  const timeout = words[6] === undefined ? undefined : Number(words[6]);
  const request: OriginateRequest = { ...dial, timeoutSeconds: Number.isFinite(timeout) ? timeout : undefined };
  if (!target.startsWith('&')) return { ...request, exten: target };
  // As originate_function: the name runs to `(`, the argument to the first `)` or the word's end
  // (a space inside the parentheses splits the word, and FreeSWITCH does not mind).
  const open = target.indexOf('(');
  const name = open === -1 ? target.slice(1) : target.slice(1, open);
  if (name === '') return { error: 'usage' };
  const rest = open === -1 ? '' : target.slice(open + 1);
  const close = rest.indexOf(')');
  return { ...request, app: { name, arg: close === -1 ? rest : rest.slice(0, close) } };
}
