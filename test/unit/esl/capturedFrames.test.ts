import { EventEmitter } from 'node:events';
import type { Event } from 'modesl';
import Parser from 'modesl/lib/esl/Parser.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { toEslSignal } from '../../../src/adapters/esl/eslSignals.js';
import { installModeslPatches } from '../../../src/adapters/esl/modeslPatches.js';
import type { EslSignal } from '../../../src/domain/fax/faxSignals.js';
import { loadCapture } from '../../support/captures.js';

/**
 * faxengine's ESL parsing (modesl with our patches, then the one signal table) fed with the
 * frames a real FreeSWITCH 1.10.12 wrote, as they are: plain and JSON events, Event-Subclass
 * before Event-Name in CUSTOM events, the fax result after the hang-up.
 */

beforeAll(() => installModeslPatches());

interface Parsed {
  contentType: unknown;
  event: Event;
}

/** The capture's received bytes through modesl's parser, in awkward chunks as TCP may deliver them. */
function parse(name: string, chunk = 997): Parsed[] {
  const wire = Buffer.from(
    loadCapture(name)
      .filter((line) => line.k === 'recv')
      .map((line) => line.d)
      .join(''),
    'latin1',
  );
  const socket = new EventEmitter();
  const parser = new Parser(socket as never);
  const parsed: Parsed[] = [];
  parser.on('esl::event', (event: Event, headers: Record<string, unknown>) => parsed.push({ contentType: headers['Content-Type'], event }));
  for (let offset = 0; offset < wire.length; offset += chunk) socket.emit('data', wire.subarray(offset, offset + chunk));
  return parsed;
}

/** The signals faxengine derives from a capture's events, the way its ESL adapters read headers. */
function signals(name: string, chunk?: number): EslSignal[] {
  return parse(name, chunk)
    .filter(({ contentType }) => contentType === 'text/event-plain' || contentType === 'text/event-json')
    .map(({ event }) => toEslSignal((header) => event.getHeader(header) ?? undefined))
    .filter((signal): signal is EslSignal => signal !== undefined);
}

const kinds = (list: EslSignal[]): string[] => list.map((signal) => signal.type);
const of = <T extends EslSignal['type']>(list: EslSignal[], type: T): Array<Extract<EslSignal, { type: T }>> =>
  list.filter((signal): signal is Extract<EslSignal, { type: T }> => signal.type === type);

describe('faxengine reads the real FreeSWITCH frames', () => {
  it('a G.711 send (plain events): answered, negotiated, two pages, hang-up, then the result', () => {
    const list = signals('audio.raw');
    expect(kinds(list)).toEqual(['esl.channel.answered', 'esl.fax.negotiated', 'esl.fax.page', 'esl.fax.page', 'esl.channel.hangup', 'esl.fax.result']);
    expect(of(list, 'esl.fax.negotiated')[0]).toMatchObject({ transferRate: 14400, ecm: true, t38Status: 'off', remoteIdent: 'FS-RX-SELFTEST', localIdent: '+1 555 123 0000' });
    expect(of(list, 'esl.fax.page').map(({ page, resolution, encoding, badRows }) => ({ page, resolution, encoding, badRows }))).toEqual([
      { page: 1, resolution: '204x196', encoding: 'T.85(L0)', badRows: 0 },
      { page: 2, resolution: '204x196', encoding: 'T.85(L0)', badRows: 0 },
    ]);
    expect(of(list, 'esl.channel.hangup')[0]?.cause).toBe('NORMAL_CLEARING');
    expect(of(list, 'esl.fax.result')[0]).toMatchObject({ success: true, code: 0, text: 'OK', pages: 2, t38Status: 'off', transferRate: 14400, remoteIdent: 'FS-RX-SELFTEST' });
    // Event times come from Event-Date-Timestamp (microseconds), not from when we parsed them.
    expect(list[0]?.at.startsWith('2026-12-06T07:48:')).toBe(true);
  });

  it('a T.38 send (JSON events): negotiated over T.38, success', () => {
    const list = signals('t38.raw');
    expect(kinds(list)).toEqual(['esl.channel.answered', 'esl.fax.negotiated', 'esl.fax.page', 'esl.fax.page', 'esl.channel.hangup', 'esl.fax.result']);
    expect(of(list, 'esl.fax.negotiated')[0]).toMatchObject({ transferRate: 14400, ecm: true, t38Status: 'negotiated' });
    expect(of(list, 'esl.fax.result')[0]).toMatchObject({ success: true, code: 0, pages: 2, t38Status: 'negotiated' });
  });

  it('uuid_kill mid-fax: hang-up, then code 49 with no pages', () => {
    const list = signals('kill.raw', 64);
    expect(kinds(list)).toEqual(['esl.channel.answered', 'esl.channel.hangup', 'esl.fax.result']);
    expect(of(list, 'esl.fax.result')[0]).toMatchObject({ success: false, code: 49, text: 'The call dropped prematurely', pages: 0 });
  });

  it.each([
    ['busy.raw', 'USER_BUSY'],
    ['reject.raw', 'CALL_REJECTED'],
    ['noanswer.raw', 'NO_ANSWER'],
  ])('%s: never answered, one hang-up with %s', (name, cause) => {
    const list = signals(name);
    expect(list.map((signal) => (signal.type === 'esl.channel.hangup' ? `${signal.type} ${signal.cause}` : signal.type))).toEqual([`esl.channel.hangup ${cause}`]);
  });

  it.each(['osock-audio.raw', 'osock-t38.raw'])('%s: an inbound call received on the outbound socket', (name) => {
    const list = signals(name, 333);
    expect(kinds(list)).toEqual(['esl.channel.answered', 'esl.fax.negotiated', 'esl.fax.page', 'esl.fax.page', 'esl.fax.result', 'esl.channel.hangup']);
    expect(of(list, 'esl.fax.negotiated')[0]).toMatchObject({ ecm: true, t38Status: name === 'osock-t38.raw' ? 'negotiated' : 'off', remoteIdent: '+1 555 123 0000', localIdent: 'SIMFID RX' });
    expect(of(list, 'esl.fax.result')[0]).toMatchObject({ success: true, code: 0, pages: 2 });
  });

  it('the connect reply of an outbound socket: channel data readable as headers', () => {
    const [connect] = parse('osock-audio.raw');
    expect(connect?.contentType).toBe('command/reply');
    expect(connect?.event.getHeader('Unique-ID')).toBe('fd504c53-48ab-441f-803d-0fc409284978');
    expect(connect?.event.getHeader('Caller-Destination-Number')).toBe('9950');
    expect(connect?.event.getHeader('Channel-Name')).toBe('sofia/external/15551230000@127.0.0.1');
  });

  it('a bad application: the call hangs up with DESTINATION_OUT_OF_ORDER, never answered', () => {
    const list = signals('osock-badapp.raw');
    expect(list.map((signal) => (signal.type === 'esl.channel.hangup' ? signal.cause : signal.type))).toEqual(['DESTINATION_OUT_OF_ORDER']);
  });
});
