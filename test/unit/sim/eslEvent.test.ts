import { describe, expect, test } from 'vitest';
import { EslEvent } from '../../../src/sim/eslEvent.js';
import { eventFrame, apiResponseFrame, commandReplyFrame } from '../../../src/sim/wireFrames.js';

const sample = (): EslEvent => new EslEvent('BACKGROUND_JOB').add('Event-Name', 'BACKGROUND_JOB').add('Job-Command', 'originate').add('Job-Command-Arg', 'a b');

describe('event serialisation (reference §1.3)', () => {
  test('plain without body ends with an empty line', () => {
    expect(new EslEvent('X').add('Event-Name', 'X').add('A', 'b c').serialize('plain')).toBe('Event-Name: X\nA: b%20c\n\n');
  });

  test('plain with body appends Content-Length and the body without trailing newline', () => {
    const event = sample();
    event.body = '+OK abc\n';
    expect(event.serialize('plain')).toBe('Event-Name: BACKGROUND_JOB\nJob-Command: originate\nJob-Command-Arg: a%20b\nContent-Length: 8\n\n+OK abc\n');
  });

  test('json has unencoded string values, then Content-Length and _body', () => {
    const event = sample();
    event.body = '+OK abc\n';
    expect(event.serialize('json')).toBe(
      '{"Event-Name":"BACKGROUND_JOB","Job-Command":"originate","Job-Command-Arg":"a b","Content-Length":"8","_body":"+OK abc\\n"}',
    );
  });

  test('json keeps duplicate header names', () => {
    const event = new EslEvent('CHANNEL_HANGUP_COMPLETE').add('Hangup-Cause', 'USER_BUSY').add('Hangup-Cause', 'USER_BUSY');
    expect(event.serialize('json')).toBe('{"Hangup-Cause":"USER_BUSY","Hangup-Cause":"USER_BUSY"}');
  });

  test('xml encodes values inside <headers>', () => {
    expect(new EslEvent('X').add('A', 'b c').serialize('xml')).toBe('<event>\n  <headers>\n    <A>b%20c</A>\n  </headers>\n</event>');
  });

  test('empty values are omitted, not blanked', () => {
    expect(new EslEvent('X').add('A', '').add('B', undefined).add('C', 0).headers).toEqual([['C', '0']]);
  });

  test('event frames put Content-Length before Content-Type; api replies the reverse', () => {
    const event = new EslEvent('X').add('Event-Name', 'X');
    expect(eventFrame(event, 'plain').toString()).toBe('Content-Length: 15\nContent-Type: text/event-plain\n\nEvent-Name: X\n\n');
    expect(apiResponseFrame('true')).toBe('Content-Type: api/response\nContent-Length: 4\n\ntrue');
    expect(apiResponseFrame('')).toBe('Content-Type: api/response\nContent-Length: 14\n\n-ERR no reply\n');
    expect(commandReplyFrame('+OK')).toBe('Content-Type: command/reply\nReply-Text: +OK\n\n');
  });

  test('Content-Length counts bytes, not characters', () => {
    const event = new EslEvent('X').add('A', 'é');
    expect(eventFrame(event, 'json').toString()).toBe('Content-Length: 10\nContent-Type: text/event-json\n\n{"A":"é"}');
  });
});
