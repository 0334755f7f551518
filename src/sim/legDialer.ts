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

/** The SIP final answer behind a failure cause (`proto_specific_hangup_cause`). */
const SIP_STATUS: Record<string, number> = { USER_BUSY: 486, CALL_REJECTED: 603, NO_USER_RESPONSE: 480, UNALLOCATED_NUMBER: 404, INCOMPATIBLE_DESTINATION: 488 };

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
  if (error === 'INVALID_GATEWAY') fireBareDestroy(ctx, options.uuid ?? randomUUID());
  if (error) return { ok: false, cause: error };
  const gateway = endpoint.kind === 'gateway' ? ctx.scenario.gateways[endpoint.target] : undefined;
  const profileName = gateway?.profile ?? endpoint.target;
  const station = stationFor(ctx.scenario, endpoint.number);
  const uuid = options.uuid ?? randomUUID();
  const vars = endpoint.vars;
  const callerIdNumber = vars.get('origination_caller_id_number') ?? '0000000000';
  // The captures: an originated leg has no username and no dialplan; its ANI is the caller id.
  const channel = new Channel(uuid, `sofia/${profileName}/${endpoint.number}`, 'outbound', {
    username: '',
    dialplan: '',
    callerIdName: vars.get('origination_caller_id_name') ?? 'FreeSWITCH',
    callerIdNumber,
    calleeIdName: 'Outbound Call',
    calleeIdNumber: endpoint.number,
    networkAddr: '',
    ani: callerIdNumber,
    destinationNumber: endpoint.number,
    source: 'src/switch_ivr_originate.c',
    context: 'default',
    rdnis: '',
  }, station);
  channel.callUuid = options.aLeg?.uuid;
  // Variables in the order the captures show them.
  channel.setVar('direction', 'outbound');
  channel.setVar('is_outbound', 'true');
  channel.setVar('uuid', uuid);
  channel.setVar('call_uuid', options.aLeg?.uuid ?? uuid);
  channel.setVar('session_id', ctx.channels.sessionsSinceStartup + 1);
  if (gateway) channel.setVar('sip_gateway_name', endpoint.target);
  channel.setVar('sip_profile_name', gateway ? 'gateway' : profileName);
  channel.setVar('channel_name', channel.name);
  channel.setVar('sip_destination_url', `sip:${endpoint.number}@${gateway?.ip ?? 'example.invalid'}`);
  for (const [name, value] of vars) channel.setVar(name, value);
  channel.setVar('originate_early_media', 'false');
  channel.setVar('originate_endpoint', 'sofia');
  channel.setVar('sip_to_user', endpoint.number);
  channel.setVar('sofia_profile_name', gateway?.profile ?? profileName);
  channel.setVar('recovery_profile_name', gateway?.profile ?? profileName);
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
  channel.profile.networkAddr = gateway?.ip ?? '';

  const sleep = (seconds: number): Promise<boolean> => ctx.clock.sleep(seconds, channel.hungUp);
  const fail = (cause: string): LegOutcome => {
    // The originate's result (BACKGROUND_JOB) goes out while the leg is torn down: after
    // HANGUP_COMPLETE for a final SIP answer (busy.raw, reject.raw), right after CHANNEL_HANGUP
    // when originate_timeout expired (noanswer.raw). setImmediate runs after the job fired.
    const reported = new Promise<void>((resolve) => setImmediate(resolve));
    const sip = SIP_STATUS[cause];
    if (sip) channel.setVar('proto_specific_hangup_cause', `sip:${sip}`);
    void hangupChannel(ctx, channel, cause, cause === 'NO_ANSWER' ? { completeAfter: reported } : { destroyAfter: reported });
    return { ok: false, cause: channel.hangupCause ?? cause };
  };
  const rings = station.outcome === 'answer' || station.outcome === 'NO_ANSWER' || station.outcome === 'NO_USER_RESPONSE';
  const ringsFirst = rings && station.ringback;
  const wait = station.outcome === 'NO_ANSWER' ? options.timeoutSeconds : Math.min(station.ringSeconds, options.timeoutSeconds);
  if (ringsFirst) {
    if (!(await sleep(Math.min(1, wait / 2)))) return { ok: false, cause: channel.hangupCause ?? 'ORIGINATOR_CANCEL' };
    channel.profile.calleeIdName = endpoint.number;
    markRingReady(ctx, channel);
  }
  if (!(await sleep(ringsFirst ? wait - Math.min(1, wait / 2) : wait))) return { ok: false, cause: channel.hangupCause ?? 'ORIGINATOR_CANCEL' };
  if (station.outcome !== 'answer') {
    markSipRefusal(channel, station, station.outcome);
    return fail(station.outcome);
  }
  if (station.ringSeconds > options.timeoutSeconds) return fail('NO_ANSWER');
  channel.setVar('endpoint_disposition', 'ANSWER');
  channel.profile.calleeIdName = endpoint.number;
  markAnswered(ctx, channel);
  return { ok: true, channel };
}

/**
 * An originate through a gateway that does not exist still allocates a session: FreeSWITCH fires
 * one bare CHANNEL_DESTROY for it, with no caller profile, before `-ERR INVALID_GATEWAY` (gwdown.raw).
 */
function fireBareDestroy(ctx: SimContext, uuid: string): void {
  ctx.channels.sessionsSinceStartup++;
  const event = ctx.events
    .create('CHANNEL_DESTROY', { file: 'switch_core_session.c', func: 'switch_core_session_perform_destroy', line: 1584 })
    .add('Channel-State', 'CS_NONE')
    .add('Channel-Call-State', 'DOWN')
    .add('Channel-State-Number', 0)
    .add('Channel-Name', 'N/A')
    .add('Unique-ID', uuid)
    .add('Call-Direction', 'outbound')
    .add('Presence-Call-Direction', 'outbound')
    .add('Channel-HIT-Dialplan', 'false')
    .add('Channel-Call-UUID', uuid)
    .add('Answer-State', 'ringing')
    .add('variable_direction', 'outbound')
    .add('variable_is_outbound', 'true')
    .add('variable_uuid', uuid)
    .add('variable_call_uuid', uuid)
    .add('variable_session_id', ctx.channels.sessionsSinceStartup);
  ctx.hub.fire(event);
}
