import type { AcceptedCall, BridgedCall } from '../domain/fax/inboundScreening.js';

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

/**
 * Bridge mode: the carrier leg keeps our T.38 settings and, when a T.38 re-INVITE arrives, runs
 * `t38_gateway self nocng` on that leg, so FreeSWITCH converts between T.38 and the PBX's audio.
 */
export function bridgeDialplan(bridge: BridgedCall): Array<[app: string, arg?: string]> {
  return [
    ['set', `fax_enable_t38=${bridge.t38Enabled}`],
    ['set', `fax_enable_t38_request=${bridge.t38Requested}`],
    ['set', 'sip_execute_on_image=t38_gateway self nocng'],
    ['bridge', `sofia/gateway/${bridge.bridgeGateway}/${bridge.recipient}`],
    // A socket-controlled channel parks when its apps run out: end it when the PBX leg is done.
    ['hangup'],
  ];
}
