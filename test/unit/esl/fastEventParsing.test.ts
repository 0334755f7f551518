import { EventEmitter } from 'node:events';
import type { Event } from 'modesl';
import Parser from 'modesl/lib/esl/Parser.js';
import { describe, expect, it } from 'vitest';
import { installFastEventParsing } from '../../../src/adapters/esl/fastEventParsing.js';

const json = JSON.stringify({
  'Event-Name': 'CUSTOM',
  'Event-Subclass': 'spandsp::rxfaxresult',
  'Unique-ID': 'u-1',
  'fax-result-code': '0',
  'Caller-Caller-ID-Name': 'Zoë Faxé',
  'Content-Length': '5',
  _body: 'hello',
});
// A channel event as FreeSWITCH's cJSON prints it (no body): escapes, a repeated key (the last
// counts), an array value for a multi-value header, a key name that also appears inside a value.
const channelJson =
  '{"Event-Name":"CHANNEL_HANGUP_COMPLETE","Hangup-Cause":"NONE","Unique-ID":"u-2",' +
  '"variable_note":"say \\"Hangup-Cause\\":\\"X\\" \\\\ tab\\t end","Caller-Caller-ID-Name":"Zoë",' +
  '"variable_list":["a","b"],"variable_empty":"","Hangup-Cause":"NORMAL_CLEARING"}';
const plainBody = 'Event-Name: CHANNEL_HANGUP\nUnique-ID: u-1\nHangup-Cause: NORMAL_CLEARING\n\n';
// The same kinds of value as FreeSWITCH's plain form carries them (URL-encoded): a repeated name
// (the last counts), a value with ': ' and a name inside it, UTF-8, an empty value, a reply text,
// and a body of Content-Length bytes (not characters) with a blank line of its own; then a reply.
const encodedBody = 'déjà vu\n\nHangup-Cause: FAKE\n';
const plainChannel =
  'Event-Name: CUSTOM\nEvent-Subclass: spandsp%3A%3Arxfaxresult\nUnique-ID: u-3\nHangup-Cause: NONE\n' +
  'variable_note: say%20%22Hangup-Cause%22%3A%20X\nCaller-Caller-ID-Name: Zo%C3%AB%20Fax%C3%A9\nvariable_empty: \n' +
  'Hangup-Cause: NORMAL_CLEARING\n' +
  `Content-Length: ${Buffer.byteLength(encodedBody)}\n\n${encodedBody}`;
const plainReply = 'Event-Name: BACKGROUND_JOB\nReply-Text: %2BOK%20done\n\n';
const frames = [
  'Content-Type: command/reply\nReply-Text: +OK accepted\n\n',
  `Content-Length: ${Buffer.byteLength(json)}\nContent-Type: text/event-json\n\n${json}`,
  `Content-Length: ${Buffer.byteLength(plainBody)}\nContent-Type: text/event-plain\n\n${plainBody}`,
  'Content-Type: command/reply\nReply-Text: -ERR invalid\n\n',
  `Content-Length: ${Buffer.byteLength(json)}\nContent-Type: text/event-json\n\n${json}`,
  `Content-Length: ${Buffer.byteLength(channelJson)}\nContent-Type: text/event-json\n\n${channelJson}`,
  `Content-Length: ${Buffer.byteLength(plainChannel)}\nContent-Type: text/event-plain\n\n${plainChannel}`,
  `Content-Length: ${Buffer.byteLength(plainReply)}\nContent-Type: text/event-plain\n\n${plainReply}`,
];
const wire = Buffer.from(frames.join(''));

interface Seen {
  contentType: unknown;
  type: unknown;
  headers: Array<{ name: string; value: unknown }>;
  body: string;
  uniqueId: unknown;
  okReply: unknown;
  errReply: unknown;
  picked: unknown[];
}

/** Feeds the wire to a parser in the given chunk sizes and records every event as modesl exposes it. */
function parse(chunkSizes: (index: number) => number): Seen[] {
  const socket = new EventEmitter();
  const parser = new Parser(socket as never);
  const seen: Seen[] = [];
  parser.on('esl::event', (event: Event, headers: Record<string, unknown>) =>
    seen.push({
      contentType: headers['Content-Type'],
      type: (event as unknown as { type: unknown }).type,
      body: event.getBody(),
      uniqueId: event.getHeader('Unique-ID'),
      okReply: event.getHeader('Modesl-Reply-OK'),
      errReply: event.getHeader('Modesl-Reply-ERR'),
      picked: ['Hangup-Cause', 'variable_note', 'variable_list', 'variable_empty', 'Caller-Caller-ID-Name', 'Missing'].map((name) => event.getHeader(name)),
      // Last: the single-header lookups above run before anything builds the whole table.
      headers: event.headers.map((header) => ({ name: header.name, value: header.value })),
    }),
  );
  for (let offset = 0, index = 0; offset < wire.length; index++) {
    const size = Math.max(1, chunkSizes(index));
    socket.emit('data', wire.subarray(offset, offset + size));
    offset += size;
  }
  return seen;
}

describe("modesl's parser with the fast event parsing installed", () => {
  const original = parse(() => wire.length);

  it('yields exactly the events modesl itself yields, however the bytes are chunked', () => {
    expect(original).toHaveLength(8);
    installFastEventParsing();
    for (const chunking of [() => wire.length, () => 1, () => 7, (i: number) => (i % 3) * 50 + 13, () => 4096]) {
      expect(parse(chunking)).toEqual(original);
    }
  });

  it('reads JSON events straight from their object, and the header list on demand', () => {
    installFastEventParsing();
    const [, event] = parse(() => 100);
    expect(event!.uniqueId).toBe('u-1');
    expect(event!.body).toBe('hello');
    expect(event!.headers.find((header) => header.name === 'Caller-Caller-ID-Name')?.value).toBe('Zoë Faxé');
    expect(event!.headers.some((header) => header.name === '_body')).toBe(false);
  });

  it('reads a channel event as FreeSWITCH wrote it: escapes, repeated keys, multi-value headers', () => {
    installFastEventParsing();
    const channel = parse(() => 64).at(-3)!;
    expect(channel.picked).toEqual(['NORMAL_CLEARING', 'say "Hangup-Cause":"X" \\ tab\t end', ['a', 'b'], '', 'Zoë', null]);
    expect(channel.type).toBe('CHANNEL_HANGUP_COMPLETE');
  });

  it('reads a plain event a header at a time, the same as modesl decodes the whole of it', () => {
    installFastEventParsing();
    const [plain, reply] = parse(() => 64).slice(-2);
    expect(plain!.picked).toEqual(['NORMAL_CLEARING', 'say "Hangup-Cause": X', null, '', 'Zoë Faxé', null]);
    expect(plain).toMatchObject({ type: 'CUSTOM', body: encodedBody, uniqueId: 'u-3', okReply: null });
    expect(reply).toMatchObject({ type: 'BACKGROUND_JOB', okReply: 'done', errReply: null });
  });
});
