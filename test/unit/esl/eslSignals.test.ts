import { describe, expect, it } from 'vitest';
import { inboundCallEvents, toEslSignal } from '../../../src/adapters/esl/eslSignals.js';

const event = (headers: Record<string, string>) => (name: string) => headers[name];
const stamp = { 'Event-Date-Timestamp': '1767225600123456' }; // 2026-01-01T00:00:00.123Z

describe('ESL event → machine signal table', () => {
  it('translates answer and hang-up, with the µs timestamp as ISO time', () => {
    expect(toEslSignal(event({ 'Event-Name': 'CHANNEL_ANSWER', ...stamp }))).toEqual({ type: 'esl.channel.answered', at: '2026-01-01T00:00:00.123Z' });
    expect(toEslSignal(event({ 'Event-Name': 'CHANNEL_HANGUP', 'Hangup-Cause': 'USER_BUSY', ...stamp }))).toMatchObject({
      type: 'esl.channel.hangup',
      cause: 'USER_BUSY',
    });
  });

  it('carries the SIP status and disposition of a hang-up (a 480 that FreeSWITCH calls NORMAL_CLEARING)', () => {
    const hangup = (headers: Record<string, string>) => toEslSignal(event({ 'Event-Name': 'CHANNEL_HANGUP', 'Hangup-Cause': 'NORMAL_CLEARING', ...stamp, ...headers }));
    expect(hangup({ variable_sip_term_status: '480', variable_sip_invite_failure_status: '480', variable_sip_hangup_disposition: 'recv_refuse' })).toEqual({
      type: 'esl.channel.hangup',
      at: '2026-01-01T00:00:00.123Z',
      cause: 'NORMAL_CLEARING',
      sipStatus: 480,
      sipDisposition: 'recv_refuse',
    });
    expect(hangup({ variable_sip_invite_failure_status: '503' })).toMatchObject({ sipStatus: 503 });
    expect(hangup({})).toEqual({ type: 'esl.channel.hangup', at: '2026-01-01T00:00:00.123Z', cause: 'NORMAL_CLEARING' });
  });

  it('translates spandsp negotiate, page and result events (rx and tx alike)', () => {
    const custom = (subclass: string, headers: Record<string, string>) => event({ 'Event-Name': 'CUSTOM', 'Event-Subclass': subclass, ...stamp, ...headers });
    expect(
      toEslSignal(
        custom('spandsp::rxfaxnegociateresult', {
          'fax-transfer-rate': '9600',
          'fax-ecm-used': 'on',
          'fax-t38-status': 'negotiated',
          'fax-local-station-id': 'SpanDSP Fax Ident',
          'fax-remote-station-id': '+49 30 1234567',
        }),
      ),
    ).toEqual({
      type: 'esl.fax.negotiated',
      at: '2026-01-01T00:00:00.123Z',
      transferRate: 9600,
      ecm: true,
      t38Status: 'negotiated',
      localIdent: 'SpanDSP Fax Ident',
      remoteIdent: '+49 30 1234567',
    });
    expect(
      toEslSignal(
        custom('spandsp::txfaxpageresult', {
          'fax-document-transferred-pages': '2',
          'fax-image-resolution': '8040x7700',
          'fax-bad-rows': '3',
          'fax-longest-bad-row-run': '2',
          'fax-encoding-name': 'T.4 2-D',
          'fax-image-size': '70306',
        }),
      ),
    ).toMatchObject({ type: 'esl.fax.page', page: 2, resolution: '204x196', badRows: 3, longestBadRowRun: 2, encoding: 'T.4 2-D', imageBytes: 70306 });
    expect(
      toEslSignal(
        custom('spandsp::rxfaxresult', {
          'fax-success': '0',
          'fax-result-code': '49',
          'fax-result-text': 'The call dropped prematurely',
          'fax-document-transferred-pages': '1',
          'fax-t38-status': 'off',
          'fax-transfer-rate': '14400',
        }),
      ),
    ).toMatchObject({ type: 'esl.fax.result', success: false, code: 49, pages: 1, t38Status: 'off', badRows: 0 });
  });

  it('ignores events no machine uses, and subscribes with CUSTOM subclasses last', () => {
    expect(toEslSignal(event({ 'Event-Name': 'CHANNEL_STATE', ...stamp }))).toBeUndefined();
    expect(toEslSignal(event({ 'Event-Name': 'CUSTOM', 'Event-Subclass': 'sofia::register', ...stamp }))).toBeUndefined();
    const custom = inboundCallEvents.indexOf('CUSTOM');
    expect(inboundCallEvents.slice(custom + 1).every((name) => name.startsWith('spandsp::'))).toBe(true);
  });
});
