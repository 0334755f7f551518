import { EventEmitter } from 'node:events';
import type { Event } from 'modesl';
import Parser from 'modesl/lib/esl/Parser.js';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EslFrameTooLargeError, maxBodyBytes, maxHeaderBlockBytes } from '../../../src/adapters/esl/fastEventParsing.js';
import { installModeslPatches } from '../../../src/adapters/esl/modeslPatches.js';

beforeAll(() => installModeslPatches());
afterEach(() => vi.restoreAllMocks());

/** A parser on a stand-in socket that records whether it was destroyed. */
function parserOnSocket() {
  const socket = Object.assign(new EventEmitter(), { destroyed: false, destroy: () => (socket.destroyed = true) });
  const parser = new Parser(socket as never) as unknown as EventEmitter & { buffer: Buffer; _chunks?: Buffer[] };
  const events: Event[] = [];
  const errors: Error[] = [];
  parser.on('esl::event', (event: Event) => events.push(event));
  parser.on('error', (error: Error) => errors.push(error));
  return { socket, parser, events, errors, send: (data: string | Buffer) => socket.emit('data', Buffer.from(data)) };
}

const headerLine = 'X-Long-Header: ' + 'v'.repeat(48) + '\n';

describe('ESL frame caps', () => {
  it('closes a connection whose header block passes the cap without ending, and drops what it buffered', () => {
    const { socket, parser, events, errors, send } = parserOnSocket();
    for (let sent = 0; sent <= maxHeaderBlockBytes + 4096; sent += 4096) send(headerLine.repeat(64));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(EslFrameTooLargeError);
    expect(socket.destroyed).toBe(true);
    expect(parser.buffer.length + (parser._chunks?.length ?? 0)).toBe(0);
    // Nothing more is read or kept, even a well-formed frame.
    send('Content-Type: command/reply\nReply-Text: +OK\n\n');
    expect(events).toHaveLength(0);
    expect(parser.buffer.length).toBe(0);
  });

  it('refuses a frame that announces a body over the cap before any of it arrives', () => {
    const { socket, errors, send } = parserOnSocket();
    send(`Content-Type: text/event-json\nContent-Length: ${maxBodyBytes + 1}\n\n`);
    expect(errors[0]).toBeInstanceOf(EslFrameTooLargeError);
    expect(socket.destroyed).toBe(true);
  });

  it('still reads large frames under the caps (long SIP headers, a big JSON event)', () => {
    const { events, errors, send } = parserOnSocket();
    const headers = headerLine.repeat(Math.floor((maxHeaderBlockBytes - 200) / headerLine.length));
    send(`Content-Type: command/reply\nReply-Text: +OK\n${headers}\n`);
    const body = JSON.stringify({ 'Event-Name': 'CUSTOM', 'Unique-ID': 'u-1', variable_big: 'x'.repeat(1024 * 1024) });
    const frame = Buffer.from(`Content-Type: text/event-json\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`);
    for (let offset = 0; offset < frame.length; offset += 65_536) send(frame.subarray(offset, offset + 65_536));
    expect(errors).toEqual([]);
    expect(events).toHaveLength(2);
    expect(events[1]!.getHeader('Unique-ID')).toBe('u-1');
  });

  it('finds the end of a header block split between two chunks', () => {
    const { events, send } = parserOnSocket();
    send('Content-Type: command/reply\nReply-Text: +OK\n');
    send('\nContent-Type: command/reply\nReply-Text: +OK second\n');
    send('\n');
    expect(events.map((event) => event.getHeader('Reply-Text'))).toEqual(['+OK', '+OK second']);
  });

  it('parses in linear time: an unfinished header block is not copied again on every chunk', () => {
    const { send, events } = parserOnSocket();
    const concat = vi.spyOn(Buffer, 'concat');
    for (let chunk = 0; chunk < 500; chunk++) send(headerLine);
    expect(concat).not.toHaveBeenCalled();
    send('\n');
    expect(concat).toHaveBeenCalledTimes(1);
    expect(events).toHaveLength(1);
  });
});
