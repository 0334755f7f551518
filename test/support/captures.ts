import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The real FreeSWITCH 1.10.12 captures (see the README.md next to them), kept with the tests. */
export const CAPTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'freeswitch-captures');

/** One line of a capture: `send` (client wrote), `recv` (one whole frame), `eof`/`end`. */
export interface CaptureLine {
  t: number;
  k: 'send' | 'recv' | 'eof' | 'end';
  d: string;
}

export function loadCapture(name: string): CaptureLine[] {
  return readFileSync(join(CAPTURE_DIR, name), 'latin1')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CaptureLine);
}

/** The capture cut at each `eof`: one list per TCP connection. */
export function connectionsOf(lines: CaptureLine[]): CaptureLine[][] {
  const out: CaptureLine[][] = [[]];
  for (const line of lines) {
    if (line.k === 'end') continue;
    (out[out.length - 1] as CaptureLine[]).push(line);
    if (line.k === 'eof') out.push([]);
  }
  return out.filter((connection) => connection.length > 0);
}

export type FrameKind = 'reply' | 'api' | 'auth' | 'event' | 'connect' | 'notice';

/** A received frame split into its envelope, and for events the event's own headers in order. */
export interface ParsedFrame {
  kind: FrameKind;
  envelope: Array<[string, string]>;
  /** Event headers (plain: still URL-encoded as on the wire; json: decoded), or the connect reply's. */
  headers: Array<[string, string]>;
  body: string;
  raw: string;
}

const pairs = (block: string): Array<[string, string]> =>
  block
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const colon = line.indexOf(': ');
      return colon === -1 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 2)];
    });

const get = (headers: Array<[string, string]>, name: string): string | undefined => headers.find(([key]) => key === name)?.[1];

/** Splits one whole frame as FreeSWITCH wrote it (header block, blank line, Content-Length body). */
export function parseFrame(raw: string): ParsedFrame {
  const end = raw.indexOf('\n\n');
  const envelope = pairs(end === -1 ? raw : raw.slice(0, end));
  const body = end === -1 ? '' : raw.slice(end + 2);
  const type = get(envelope, 'Content-Type');
  if (get(envelope, 'Event-Name') === 'CHANNEL_DATA') return { kind: 'connect', envelope, headers: envelope, body, raw };
  if (type === 'text/event-plain') {
    const split = body.indexOf('\n\n');
    const headers = pairs(split === -1 ? body : body.slice(0, split));
    return { kind: 'event', envelope, headers, body: split === -1 ? '' : body.slice(split + 2), raw };
  }
  if (type === 'text/event-json') {
    const json = JSON.parse(body) as Record<string, string>;
    const { _body: eventBody = '', ...rest } = json;
    return { kind: 'event', envelope, headers: Object.entries(rest), body: eventBody, raw };
  }
  if (type === 'text/disconnect-notice') return { kind: 'notice', envelope, headers: [], body, raw };
  if (type === 'api/response') return { kind: 'api', envelope, headers: [], body, raw };
  if (type === 'auth/request') return { kind: 'auth', envelope, headers: [], body, raw };
  return { kind: 'reply', envelope, headers: [], body, raw };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * What must differ between two runs and is replaced before comparing, each for its reason:
 * - uuids: every call, job and application gets a fresh one; they are numbered in order of first
 *   appearance in the whole run, so "the same uuid again" is still checked;
 * - Core-UUID, host name, switch name and addresses: another machine;
 * - dates, timestamps and non-zero `*-Time` values: another moment (zero stays zero: "not
 *   answered yet" is behaviour);
 * - Event-Sequence: counts every event the process fired since it started;
 * - session_id / sessions since start-up: counts calls the process had before.
 */
export class Normaliser {
  private readonly uuids = new Map<string, string>();

  uuid(text: string): string {
    return text.replace(UUID, (uuid) => {
      const key = uuid.toLowerCase();
      let name = this.uuids.get(key);
      if (name === undefined) this.uuids.set(key, (name = `<uuid${this.uuids.size + 1}>`));
      return name;
    });
  }

  header(name: string, value: string): string {
    if (name === 'Core-UUID') return '<core-uuid>';
    // SIP/RTP variables are not compared; their Call-IDs must not shift the uuid numbering.
    if (/^variable_(sip|rtp)_/.test(name)) return value.replace(UUID, '<uuid>');
    if (/^FreeSWITCH-(Hostname|Switchname|IPv4|IPv6)$/.test(name)) return `<${name}>`;
    if (name === 'Event-Date-Local' || name === 'Event-Date-GMT' || name === 'Event-Date-Timestamp') return '<date>';
    if (name === 'Event-Sequence') return '<seq>';
    if (name === 'variable_session_id') return '<session>';
    if (name === 'variable_RFC2822_DATE') return '<date>';
    if (/-Time$/.test(name) && value !== '0') return '<time>';
    if (/_(u?epoch|usec|msec|sec|ms)$/.test(name) && /^\d+$/.test(value)) return '<time>';
    return this.uuid(value);
  }

  /** Replies and bodies: uuids, and the counters and clocks of `status`. */
  text(text: string): string {
    return this.uuid(text)
      .replace(/^UP .*$/m, 'UP <uptime>')
      .replace(/^\d+ session\(s\) since startup$/m, '<n> session(s) since startup')
      .replace(/^(\d+) session\(s\) - peak \d+, last 5min \d+ $/m, '$1 session(s) - peak <n>, last 5min <n> ')
      .replace(/^0 session\(s\) per Sec out of max 30, peak \d+, last 5min \d+ $/m, '0 session(s) per Sec out of max 30, peak <n>, last 5min <n> ')
      .replace(/^min idle cpu .*$/m, 'min idle cpu <cpu>');
  }
}

/** A frame reduced to what the comparison looks at. */
export interface NormalFrame {
  kind: FrameKind;
  /** Event-Name (+ subclass), or the envelope's first line: for messages. */
  label: string;
  envelope: Array<[string, string]>;
  headers: Array<[string, string]>;
  body: string;
}

const DROP_ENVELOPE = new Set(['Content-Length']);

export function normaliseFrame(frame: ParsedFrame, n: Normaliser): NormalFrame {
  // An event's own Content-Length measures its body, which is compared itself (normalised).
  const headers = frame.headers.filter(([name]) => name !== 'Content-Length').map(([name, value]) => [name, n.header(name, value)] as [string, string]);
  const envelope =
    frame.kind === 'connect'
      ? []
      : frame.envelope.filter(([name]) => !DROP_ENVELOPE.has(name)).map(([name, value]) => [name, n.uuid(value)] as [string, string]);
  const eventName = get(frame.headers, 'Event-Name');
  const subclass = get(frame.headers, 'Event-Subclass');
  const label =
    frame.kind === 'event' || frame.kind === 'connect'
      ? `${eventName ?? '?'}${subclass ? ` ${decodeURIComponent(subclass)}` : ''}`
      : `${frame.kind} ${n.uuid(get(frame.envelope, 'Reply-Text') ?? get(frame.envelope, 'Content-Disposition') ?? '')}`;
  // Event bodies (BACKGROUND_JOB) hold api output: `status` counters are normalised like replies.
  return { kind: frame.kind, label, envelope, headers, body: n.text(frame.body) };
}
