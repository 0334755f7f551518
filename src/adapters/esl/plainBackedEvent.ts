import { Buffer } from 'node:buffer';
import { jsonEventPrototype, type JsonBackedEvent } from './jsonBackedEvent.js';
import { lenientDecode } from './safeUrlDecoding.js';

type HeaderText = (text: string) => Record<string, unknown>;

interface PlainBackedEvent {
  body: string;
  /** The event's header lines (`Name: url-encoded value`), without the blank line and body. */
  _head: string;
  _parseHeaderText: HeaderText;
  /** The still-encoded values, split out on the first lookup. */
  _raw?: Map<string, string>;
  _materialized?: Record<string, unknown>;
}

/**
 * A text/event-plain event read lazily. FreeSWITCH sends every channel event with all of the
 * channel's variables (~150 headers, 5–10 KB); faxengine reads a dozen of them. Decoding them all
 * into a table (modesl) or parsing the JSON form was the largest cost of handling a call's events;
 * here the lines are split into still-encoded values once (the last line of a name wins, as in
 * modesl's table), and a value is decoded only when asked for. The whole table (`headers`,
 * `addHeader`, `delHeader`) is built on first use with the parser's own header parsing, so it is
 * what modesl would have built.
 */
const plainEventPrototype: object = Object.create(jsonEventPrototype, {
  _data: {
    get(this: PlainBackedEvent) {
      if (!this._materialized) {
        const data = this._parseHeaderText(this._head);
        // modesl's table of a plain event also holds its body (the Event's own `body` field reads it).
        if (this.body !== '') data._body = this.body;
        this._materialized = data;
      }
      return this._materialized;
    },
  },
  getHeader: {
    value(this: PlainBackedEvent & JsonBackedEvent, name: string) {
      if (this._materialized) return (jsonEventPrototype as { getHeader(name: string): unknown }).getHeader.call(this, name);
      const raw = (this._raw ??= rawHeaders(this._head)).get(name);
      if (raw === undefined) return null;
      return name === 'Content-Length' ? Number.parseInt(raw, 10) : lenientDecode(raw);
    },
  },
});

/** Each header's still-encoded value by name, the last line of a name winning (as in modesl's table). */
function rawHeaders(head: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of head.split('\n')) {
    const colon = line.indexOf(': ');
    values.set(colon === -1 ? line : line.slice(0, colon), colon === -1 ? '' : line.slice(colon + 2));
  }
  return values;
}

/** An esl.Event over a text/event-plain body (headers, a blank line, then a body of `Content-Length` bytes). */
export function plainBackedEvent(text: string, parseHeaderText: HeaderText): unknown {
  const headEnd = text.indexOf('\n\n');
  const head = headEnd === -1 ? text : text.slice(0, headEnd);
  const event = Object.create(plainEventPrototype) as PlainBackedEvent & Record<string, unknown> & { getHeader(name: string): unknown };
  event._head = head;
  event._parseHeaderText = parseHeaderText;
  event.hPtr = null;
  event.body = '';
  const length = headEnd === -1 ? undefined : (event.getHeader('Content-Length') as number | null);
  if (length) {
    const rest = text.slice(headEnd + 2);
    // Content-Length counts bytes; the text is already decoded as UTF-8.
    event.body = Buffer.byteLength(rest) === length ? rest : Buffer.from(rest).subarray(0, length).toString('utf8');
  }
  event.type = event.getHeader('Event-Name') ?? undefined;
  event.subclass = event.getHeader('Event-Subclass') ?? undefined;
  return event;
}
