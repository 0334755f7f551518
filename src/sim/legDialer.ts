import { randomUUID } from 'node:crypto';
import { Channel } from './channel.js';
import { fireChannelEvent, setRunningState } from './channelEvents.js';
import { hangupChannel, markAnswered, markRingReady } from './channelOps.js';
import type { Endpoint } from './originateParser.js';
import { stationFor } from './scenario.js';
import { markSipRefusal } from './sipRefusal.js';
import type { SimContext } from './simContext.js';

export type LegOutcome = { ok: true; channel: Channel } | { ok: false; cause: string };

export interface LegOptions {
  /** `origination_uuid` for this leg (only the first leg of an originate gets it). */
  uuid?: string;
  /** The A-leg when bridging: B-leg's `Channel-Call-UUID`. */
  aLeg?: Channel;
  timeoutSeconds: number;
  /** Called as soon as the leg exists, so a winning leg can cancel the losers. */
  onCreated?: (channel: Channel) => void;
}

/** Why a sofia endpoint cannot even be tried; no channel is created then. */
function endpointError(ctx: SimContext, endpoint: Endpoint): string | undefined {
  if (endpoint.kind === 'error') return endpoint.target;
  if (endpoint.kind === 'unsupported') return 'CHAN_NOT_IMPLEMENTED';
  if (endpoint.kind !== 'gateway') return undefined;
  const gateway = ctx.scenario.gateways[endpoint.target];
  if (!gateway) return 'INVALID_GATEWAY';
  return gateway.state === 'down' ? 'GATEWAY_DOWN' : undefined;
}

/**
 * Places one outbound leg and plays the remote station's answer (reference §2.4): CHANNEL_UUID
 * (with origination_uuid), CHANNEL_OUTGOING, CS_INIT, CHANNEL_CREATE, CHANNEL_ORIGINATE, CS_ROUTING,
 * CS_CONSUME_MEDIA, then 180/200 or a failure hangup. Resolves on answer or failure.
 */
export async function dialLeg(ctx: SimContext, endpoint: Endpoint, options: LegOptions): Promise<LegOutcome> {
  const error = endpointError(ctx, endpoint);
  if (error) return { ok: false, cause: error };
  const gateway = endpoint.kind === 'gateway' ? ctx.scenario.gateways[endpoint.target] : undefined;
  const profileName = gateway?.profile ?? endpoint.target;
  const station = stationFor(ctx.scenario, endpoint.number);
  const uuid = options.uuid ?? randomUUID();
  const vars = endpoint.vars;
  const channel = new Channel(uuid, `sofia/${profileName}/${endpoint.number}`, 'outbound', {
    username: '',
    dialplan: 'XML',
    callerIdName: vars.get('origination_caller_id_name') ?? 'FreeSWITCH',
    callerIdNumber: vars.get('origination_caller_id_number') ?? '0000000000',
    calleeIdName: 'Outbound Call',
    calleeIdNumber: endpoint.number,
    networkAddr: '',
    ani: '',
    destinationNumber: endpoint.number,
    source: 'src/switch_ivr_originate.c',
    context: 'default',
    rdnis: '',
  }, station);
  channel.callUuid = options.aLeg?.uuid;
  for (const [name, value] of vars) channel.setVar(name, value);
  channel.setVar('direction', 'outbound');
  channel.setVar('is_outbound', 'true');
  channel.setVar('uuid', uuid);
  channel.setVar('session_id', ctx.channels.sessionsSinceStartup + 1);
  channel.setVar('sip_profile_name', profileName);
  channel.setVar('sofia_profile_name', profileName);
  if (gateway) channel.setVar('sip_gateway_name', endpoint.target);
  channel.setVar('sip_to_user', endpoint.number);
  channel.setVar('sip_destination_url', `sip:${endpoint.number}@${gateway?.ip ?? 'example.invalid'}`);
  ctx.channels.add(channel);
  options.onCreated?.(channel);

  if (options.uuid) fireChannelEvent(ctx, channel, 'CHANNEL_UUID', { before: [['Old-Unique-ID', randomUUID()]] });
  fireChannelEvent(ctx, channel, 'CHANNEL_OUTGOING');
  setRunningState(ctx, channel, 'CS_INIT');
  channel.stateNumber = 2;
  fireChannelEvent(ctx, channel, 'CHANNEL_CREATE');
  fireChannelEvent(ctx, channel, 'CHANNEL_ORIGINATE');
  setRunningState(ctx, channel, 'CS_ROUTING');
  setRunningState(ctx, channel, 'CS_CONSUME_MEDIA');

  const sleep = (seconds: number): Promise<boolean> => ctx.clock.sleep(seconds, channel.hungUp);
  const fail = (cause: string): LegOutcome => {
    void hangupChannel(ctx, channel, cause);
    return { ok: false, cause: channel.hangupCause ?? cause };
  };
  const ringsFirst = station.outcome === 'answer' || station.outcome === 'NO_ANSWER' || station.outcome === 'NO_USER_RESPONSE';
  const wait = station.outcome === 'NO_ANSWER' ? options.timeoutSeconds : Math.min(station.ringSeconds, options.timeoutSeconds);
  if (ringsFirst) {
    if (!(await sleep(Math.min(1, wait / 2)))) return { ok: false, cause: channel.hangupCause ?? 'ORIGINATOR_CANCEL' };
    markRingReady(ctx, channel);
  }
  if (!(await sleep(ringsFirst ? wait - Math.min(1, wait / 2) : wait))) return { ok: false, cause: channel.hangupCause ?? 'ORIGINATOR_CANCEL' };
  if (station.outcome !== 'answer') {
    markSipRefusal(channel, station, station.outcome);
    return fail(station.outcome);
  }
  if (station.ringSeconds > options.timeoutSeconds) return fail('NO_ANSWER');
  channel.setVar('endpoint_disposition', 'ANSWER');
  markAnswered(ctx, channel);
  return { ok: true, channel };
}
