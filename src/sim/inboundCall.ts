import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { Channel } from './channel.js';
import { fireChannelEvent, setCallState, setRunningState } from './channelEvents.js';
import { endSocketPark, hangupChannel } from './channelOps.js';
import type { EslConnection } from './eslConnection.js';
import { OutboundConnection } from './outboundConnection.js';
import { stationFor, stationSchema, type StationInput } from './scenario.js';
import type { SimContext } from './simContext.js';

/** A simulated call arriving from a carrier, handed to faxengine's outbound-socket server. */
export interface InboundCallOptions {
  from: string;
  to: string;
  callerName?: string;
  /** Gateway the call comes from (default: the first in the scenario); gives the source IP. */
  gateway?: string;
  sourceIp?: string;
  /** Extra SIP headers, visible as `variable_sip_h_<name>`. */
  sipHeaders?: Record<string, string>;
  /** Diversion header value (`variable_sip_h_Diversion`). */
  diversion?: string;
  /** TIFF the caller sends. */
  document?: string;
  /** Caller behaviour for this call, over the scenario's station for `from`. */
  station?: StationInput;
  /** Dialplan `socket` arguments; default `async full`. */
  socketArgs?: string;
  /** Where this call's outbound socket connects (the dialplan's `socket` address); default the simulator's `dial`. */
  dial?: { host: string; port: number };
  uuid?: string;
}

export interface DialTarget {
  host: string;
  port: number;
  firstCommandTimeoutMs: number;
}

/**
 * Creates the inbound channel, runs its dialplan up to the `socket` app (reference §2.4: CS_INIT,
 * CHANNEL_CREATE, RINGING, CS_ROUTING, CS_EXECUTE, CHANNEL_EXECUTE socket) and connects to
 * faxengine. A refused connection ends the socket app and the call (NORMAL_CLEARING).
 */
export function startInboundCall(
  ctx: SimContext,
  options: InboundCallOptions,
  target: DialTarget,
  onConnection: (connection: EslConnection) => void,
): Channel {
  const gatewayName = options.gateway ?? Object.keys(ctx.scenario.gateways)[0] ?? 'gw1';
  const gateway = ctx.scenario.gateways[gatewayName];
  const ip = options.sourceIp ?? gateway?.ip ?? '203.0.113.10';
  const profile = gateway?.profile ?? 'external';
  const base = stationFor(ctx.scenario, options.from);
  const station = stationSchema.parse({ ...base, ...options.station, ...(options.document ? { document: options.document } : {}) });
  const uuid = options.uuid ?? randomUUID();
  // The channel is named after the From URI, which has no port here (osock-audio.raw).
  const channel = new Channel(uuid, `sofia/${profile}/${options.from}@${ip}`, 'inbound', {
    username: options.from, dialplan: 'XML', callerIdName: options.callerName ?? options.from, callerIdNumber: options.from,
    calleeIdName: '', calleeIdNumber: '', networkAddr: ip, ani: options.from, destinationNumber: options.to,
    source: 'mod_sofia', context: 'public', rdnis: '',
  }, station);
  const vars: Array<[string, string]> = [
    ['direction', 'inbound'], ['uuid', uuid], ['session_id', String(ctx.channels.sessionsSinceStartup + 1)],
    ['sip_from_user', options.from], ['sip_from_uri', `${options.from}@${ip}`], ['sip_from_host', ip],
    ['channel_name', channel.name], ['sip_local_network_addr', ctx.events.core.ipv4], ['sip_network_ip', ip],
    ['sip_network_port', '5060'], ['sip_received_ip', ip], ['sip_received_port', '5060'], ['sip_via_protocol', 'udp'],
    ['sofia_profile_name', profile], ['recovery_profile_name', profile], ['sip_gateway_name', gatewayName],
    ['sip_req_user', options.to], ['sip_req_uri', `${options.to}@${ctx.events.core.ipv4}`], ['sip_req_host', ctx.events.core.ipv4],
    ['sip_to_user', options.to], ['sip_to_uri', `${options.to}@${ctx.events.core.ipv4}`], ['sip_to_host', ctx.events.core.ipv4],
    ['sip_contact_user', options.from], ['sip_contact_host', ip], ['sip_call_id', `${randomUUID()}@${ip}`],
  ];
  if (options.diversion) vars.push(['sip_h_Diversion', options.diversion]);
  for (const [name, value] of Object.entries(options.sipHeaders ?? {})) vars.push([`sip_h_${name}`, value]);
  vars.push(['ep_codec_string', 'PCMU@8000h@20i@64000b'], ['call_uuid', uuid], ['outside_call', 'true']);
  // FreeSWITCH's stock public dialplan exports the call's date (osock-audio.raw).
  vars.push(['RFC2822_DATE', new Date().toUTCString().replace('GMT', '+0000')], ['export_vars', 'RFC2822_DATE']);
  for (const [name, value] of vars) channel.setVar(name, value);
  ctx.channels.add(channel);

  setRunningState(ctx, channel, 'CS_INIT');
  channel.stateNumber = 2;
  fireChannelEvent(ctx, channel, 'CHANNEL_CREATE');
  setCallState(ctx, channel, 'RINGING');
  setRunningState(ctx, channel, 'CS_ROUTING');
  setRunningState(ctx, channel, 'CS_EXECUTE');
  const socketArgs = options.socketArgs ?? 'async full';
  const data = `${target.host}:${target.port} ${socketArgs}`;
  const appUuid = randomUUID();
  channel.setVar('current_application_data', data);
  channel.setVar('current_application', 'socket');
  channel.setVar('socket_host', target.host);
  channel.socketApp = { appUuid, data };
  fireChannelEvent(ctx, channel, 'CHANNEL_EXECUTE', { after: [['Application', 'socket'], ['Application-Data', data], ['Application-UUID', appUuid]] });

  const mode = { async: /\basync\b/.test(socketArgs), full: /\bfull\b/.test(socketArgs) };
  const socket = connect(target.port, target.host);
  socket.once('connect', () => onConnection(new OutboundConnection(socket, ctx, channel, mode, target.firstCommandTimeoutMs)));
  socket.once('error', () => {
    if (channel.controller || channel.isHungUp) return;
    endSocketPark(ctx, channel);
    void hangupChannel(ctx, channel, 'NORMAL_CLEARING');
  });
  return channel;
}
