import type { AcceptedCall } from '../domain/fax/inboundScreening.js';

/**
 * The applications that answer and receive an accepted call, in order. The T.38 variables are set
 * before `answer` so the answer SDP already reflects them; `fax_enable_t38` must be a channel
 * variable because sofia reads it there (reference §4).
 */
export function receiveDialplan(call: AcceptedCall): Array<[app: string, arg?: string]> {
  return [
    ['set', `fax_enable_t38=${call.t38Enabled}`],
    ['set', `fax_enable_t38_request=${call.t38Requested}`],
    ...(call.ringDelayMs > 0 ? ([['ring_ready'], ['sleep', String(call.ringDelayMs)]] as Array<[string, string?]>) : []),
    ['answer'],
    ...(call.silenceMs > 0 ? ([['playback', `silence_stream://${call.silenceMs}`]] as Array<[string, string?]>) : []),
    ...(call.stationIdent ? ([['set', `fax_ident=${call.stationIdent}`]] as Array<[string, string?]>) : []),
    ...(call.pageHeader ? ([['set', `fax_header=${call.pageHeader}`]] as Array<[string, string?]>) : []),
    ['rxfax', call.spoolPath],
    ['hangup'],
  ];
}
