import { Buffer } from 'node:buffer';
import Parser from 'modesl/lib/esl/Parser.js';
import { jsonBackedEvent } from './jsonBackedEvent.js';
import { plainBackedEvent } from './plainBackedEvent.js';

type Headers = Record<string, string | number>;
type EventHeaders = { getHeader(name: string): unknown; addHeader(name: string, value: unknown): unknown };

interface ParserState {
  buffer: Buffer;
  bodyLen: number;
  headers: Headers;
  socket: { destroy?(): void } | null;
  emit(event: string, ...args: unknown[]): boolean;
  _parseHeaderText(text: string): Headers;
  _parseEvent(headers: Headers, body?: string): void;
  /** Chunks received since the last complete frame, joined only once a frame is whole. */
  _chunks?: Buffer[];
  _pendingBytes?: number;
  /** The last byte received while waiting for a header block was a newline. */
  _endsWithNewline?: boolean;
  /** Past a cap: the connection is being closed and nothing more is read. */
  _refused?: boolean;
}

/**
 * The largest header block and body one frame may have. FreeSWITCH's largest real frames are a few
 * KB of headers (CHANNEL_DATA) and tens of KB of body (a JSON event with every channel variable);
 * these leave room for long SIP headers and large `db list` or `show` replies, while a peer that
 * never ends its headers, or announces a huge body, is cut off after a bounded amount of memory.
 */
export const maxHeaderBlockBytes = 64 * 1024;
export const maxBodyBytes = 8 * 1024 * 1024;

/** Raised (as the parser's 'error') when a frame exceeds a cap; the socket is destroyed with it. */
export class EslFrameTooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EslFrameTooLargeError';
  }
}

/**
 * Two costs dominated faxengine's CPU per inbound fax in modesl's socket parser (profiled with 500
 * concurrent calls): (1) every socket chunk was concatenated onto the whole pending buffer and the
 * end of the headers searched for byte by byte in JavaScript, so a 6–10 KB JSON event arriving in
 * pieces was copied and scanned many times over; (2) every JSON event was turned into an Event by
 * adding its ~150 channel headers one at a time. Here chunks are joined once per complete frame and
 * only the new chunk is searched for the end of the headers (Buffer.indexOf), so parsing is linear
 * in the bytes received; a JSON event keeps its parsed object as the header table (lookups read it
 * directly; the header list modesl exposes is built only if something asks). A plain event (what
 * faxengine subscribes to) is read a header at a time (plainBackedEvent.ts).
 * modesl also buffered without bound: a header block that never ends (or a huge Content-Length)
 * grew the buffer until memory ran out. A frame past `maxHeaderBlockBytes` of headers or
 * `maxBodyBytes` of body ends the connection and drops what was buffered.
 * Frames, events and emitted names are otherwise the same as modesl's own parser produces.
 */
export function installFastEventParsing(): void {
  const proto = Parser.prototype as unknown as ParserState & {
    _onData(data: Buffer): void;
    __fastParsing?: boolean;
  };
  if (proto.__fastParsing) return;
  proto.__fastParsing = true;
  const originalParseEvent = proto._parseEvent;

  function refuse(parser: ParserState, message: string): void {
    parser._refused = true;
    parser.buffer = Buffer.alloc(0);
    parser._chunks = [];
    parser._pendingBytes = 0;
    parser.bodyLen = 0;
    parser.socket?.destroy?.();
    parser.emit('error', new EslFrameTooLargeError(message));
  }

  proto._onData = function onData(this: ParserState, data: Buffer) {
    if (this._refused) return;
    const chunks = (this._chunks ??= []);
    chunks.push(data);
    this._pendingBytes = (this._pendingBytes ?? 0) + data.length;
    const held = this.buffer.length + this._pendingBytes;
    if (this.bodyLen > 0) {
      // A body of known length that has not fully arrived: wait without copying anything.
      if (held < this.bodyLen) return;
    } else {
      // Still in a header block: look for its end in the new bytes only (and across the seam).
      const ends = (this._endsWithNewline && data[0] === 0x0a) || data.indexOf('\n\n') !== -1;
      this._endsWithNewline = data.length > 0 ? data[data.length - 1] === 0x0a : this._endsWithNewline;
      if (!ends) {
        if (held > maxHeaderBlockBytes) refuse(this, `ESL header block over ${maxHeaderBlockBytes} bytes without its end`);
        return;
      }
    }
    let buffer = chunks.length === 1 && this.buffer.length === 0 ? chunks[0]! : Buffer.concat([this.buffer, ...chunks]);
    chunks.length = 0;
    this._pendingBytes = 0;

    for (;;) {
      if (this.bodyLen > 0) {
        if (buffer.length < this.bodyLen) break;
        const body = buffer.toString('utf8', 0, this.bodyLen);
        buffer = buffer.subarray(this.bodyLen);
        this.bodyLen = 0;
        this._parseEvent(this.headers, body);
        if (this._refused) return;
        continue;
      }
      const headEnd = buffer.indexOf('\n\n');
      if (headEnd === -1) break;
      if (headEnd > maxHeaderBlockBytes) return refuse(this, `ESL header block over ${maxHeaderBlockBytes} bytes`);
      const headers = this._parseHeaderText(buffer.toString('utf8', 0, headEnd));
      buffer = buffer.subarray(headEnd + 2);
      this.headers = headers;
      const length = headers['Content-Length'];
      if (typeof length === 'number' && length > maxBodyBytes) return refuse(this, `ESL frame announces a ${length}-byte body, over ${maxBodyBytes}`);
      if (typeof length === 'number' && length > 0) this.bodyLen = length;
      else this._parseEvent(headers);
      if (this._refused) return;
    }
    if (this.bodyLen === 0 && buffer.length > maxHeaderBlockBytes) return refuse(this, `ESL header block over ${maxHeaderBlockBytes} bytes without its end`);
    // A leftover view would pin the whole joined buffer (a large body included): keep a copy of it.
    this.buffer = buffer.length === 0 ? Buffer.alloc(0) : Buffer.from(buffer);
    this._endsWithNewline = buffer.length > 0 && buffer[buffer.length - 1] === 0x0a;
  };

  proto._parseEvent = function parseEvent(this: ParserState, headers: Headers, body?: string) {
    let event: EventHeaders;
    if (headers['Content-Type'] === 'text/event-plain' && body !== undefined) {
      event = plainBackedEvent(body, (text) => this._parseHeaderText(text)) as EventHeaders;
    } else {
      if (headers['Content-Type'] !== 'text/event-json' || body === undefined) return originalParseEvent.call(this, headers, body);
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(body) as Record<string, unknown>;
      } catch (error) {
        this.emit('error', error);
        return originalParseEvent.call(this, { ...headers, 'Content-Type': 'text/plain' }, body);
      }
      if (data['Content-Length']) data['Content-Length'] = Number.parseInt(String(data['Content-Length']), 10);
      event = jsonBackedEvent(data) as EventHeaders;
    }
    // The same reply massaging modesl applies to every event.
    const reply = event.getHeader('Reply-Text');
    if (typeof reply === 'string' && reply.startsWith('-ERR')) event.addHeader('Modesl-Reply-ERR', reply.slice(5));
    else if (typeof reply === 'string' && reply.startsWith('+OK')) event.addHeader('Modesl-Reply-OK', reply.slice(4));
    this.emit('esl::event', event, headers, body);
  };
}
