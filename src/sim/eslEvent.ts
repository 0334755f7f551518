import { fsUrlEncode } from './urlEncode.js';

export type EventFormat = 'plain' | 'json' | 'xml';

/**
 * One FreeSWITCH event: headers in insertion order (duplicates allowed, reference §2.3) and an
 * optional body. Serialisations are cached because one event is written to many connections.
 */
export class EslEvent {
  readonly headers: Array<[string, string]> = [];
  body: string | undefined;
  /** `Unique-ID` of the channel the event belongs to; the hub routes on it. */
  uniqueId: string | undefined;
  private readonly cache: Partial<Record<EventFormat, string>> = {};
  private readonly frames: Partial<Record<EventFormat, Buffer>> = {};

  constructor(
    readonly name: string,
    readonly subclass?: string,
  ) {}

  /** Adds a header; an empty or missing value adds nothing, as in FreeSWITCH (reference §1.3). */
  add(name: string, value: string | number | boolean | undefined): this {
    if (value === undefined) return this;
    const text = String(value);
    if (text === '') return this;
    this.headers.push([name, text]);
    if (this.uniqueId === undefined && name === 'Unique-ID') this.uniqueId = text;
    return this;
  }

  /** First header with that name, case-insensitively (`switch_event_get_header`). */
  get(name: string): string | undefined {
    const wanted = name.toLowerCase();
    for (const [key, value] of this.headers) if (key.toLowerCase() === wanted) return value;
    return undefined;
  }

  /** The framed bytes for `format`, built once by `build` from the serialisation. */
  frame(format: EventFormat, build: (payload: string) => Buffer): Buffer {
    return (this.frames[format] ??= build(this.serialize(format)));
  }

  serialize(format: EventFormat): string {
    const cached = this.cache[format];
    if (cached !== undefined) return cached;
    const text = format === 'plain' ? toPlain(this) : format === 'json' ? toJson(this) : toXml(this);
    this.cache[format] = text;
    return text;
  }
}

/** text/event-plain (reference §1.3): encoded values, then `Content-Length` + body, or a blank line. */
function toPlain(event: EslEvent): string {
  let out = '';
  for (const [name, value] of event.headers) out += `${name}: ${fsUrlEncode(value)}\n`;
  if (event.body === undefined) return out + '\n';
  return `${out}Content-Length: ${Buffer.byteLength(event.body)}\n\n${event.body}`;
}

/** text/event-json: unencoded string values, duplicate keys kept, `_body` last (reference §1.3). */
function toJson(event: EslEvent): string {
  const parts = event.headers.map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`);
  if (event.body !== undefined) {
    parts.push(`"Content-Length":"${Buffer.byteLength(event.body)}"`, `"_body":${JSON.stringify(event.body)}`);
  }
  return `{${parts.join(',')}}`;
}

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** text/event-xml: URL-encoded values inside `<headers>`, body as `<body>` (reference §1.3). */
function toXml(event: EslEvent): string {
  let out = '<event>\n  <headers>\n';
  for (const [name, value] of event.headers) out += `    <${name}>${fsUrlEncode(value)}</${name}>\n`;
  out += '  </headers>\n';
  if (event.body !== undefined) {
    out += `  <Content-Length>${Buffer.byteLength(event.body)}</Content-Length>\n  <body>${escapeXml(event.body)}</body>\n`;
  }
  return out + '</event>';
}
