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

/** `a=b,c='x,y'` (or `^^:a=b:c=d` with a custom delimiter) → ordered variables. */
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

/** Parses `{vars}[leg]ep1,[leg]ep2|ep3` (reference §2.4 and the originate grammar). */
export function parseDialString(text: string): DialString {
  const [globalBlock, rest] = takeBlock(text.trim(), '{', '}');
  const vars = globalBlock === undefined ? new Map<string, string>() : parseVarBlock(globalBlock);
  const groups = splitTopLevel(rest, '|')
    .map((group) => splitTopLevel(group, ',').filter((ep) => ep.trim() !== '').map((ep) => parseEndpoint(ep, vars)))
    .filter((group) => group.length > 0);
  return { vars, groups };
}

/** `originate <url> <exten>|&<app>(<arg>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout>]`. */
export function parseOriginate(args: string): OriginateRequest | undefined {
  const words = splitTopLevel(args.trim(), ' ').filter((word) => word !== '');
  const [url, target] = words;
  if (url === undefined || target === undefined) return undefined;
  const dial = parseDialString(url);
  if (dial.groups.length === 0) return undefined;
  const timeout = words[6] === undefined ? undefined : Number(words[6]);
  const request: OriginateRequest = { ...dial, timeoutSeconds: Number.isFinite(timeout) ? timeout : undefined };
  if (!target.startsWith('&')) return { ...request, exten: target };
  const app = /^&([^(\s]+)(?:\((.*)\))?$/s.exec(target);
  if (!app) return undefined;
  return { ...request, app: { name: app[1] ?? '', arg: app[2] ?? '' } };
}
