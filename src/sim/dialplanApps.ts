import { existsSync } from 'node:fs';
import { enqueueApp } from './appRunner.js';
import type { Channel } from './channel.js';
import { fireChannelEvent } from './channelEvents.js';
import { hangupChannel, markAnswered, markPreAnswered, markRingReady } from './channelOps.js';
import { nowMicros } from './eventFactory.js';
import { rxfax, txfax } from './faxApps.js';
import { dialGroup } from './originate.js';
import { parseDialString } from './originateParser.js';
import type { Application, SimContext } from './simContext.js';

/** SIP status → Q.850 cause, as sofia maps a `respond` code (only the common ones). */
const SIP_CAUSES: Record<string, string> = {
  '403': 'CALL_REJECTED', '404': 'UNALLOCATED_NUMBER', '480': 'NO_USER_RESPONSE', '486': 'USER_BUSY',
  '488': 'INCOMPATIBLE_DESTINATION', '500': 'NORMAL_TEMPORARY_FAILURE', '503': 'NORMAL_TEMPORARY_FAILURE',
  '603': 'CALL_REJECTED',
};

const sleepOrHangup = (ctx: SimContext, channel: Channel, seconds: number): Promise<boolean> =>
  ctx.clock.sleep(seconds, channel.hungUp);

function setVariable(channel: Channel, arg: string): string {
  const eq = arg.indexOf('=');
  const name = eq === -1 ? arg : arg.slice(0, eq);
  channel.setVar(name, eq === -1 ? undefined : arg.slice(eq + 1));
  return name;
}

const playback: Application = async (ctx, channel, arg) => {
  const silence = /^silence_stream:\/\/(-?\d+)/.exec(arg);
  if (silence) {
    const ms = Number(silence[1]);
    await (ms < 0 ? channel.hungUp : sleepOrHangup(ctx, channel, ms / 1000));
  } else if (arg.startsWith('tone_stream://') || existsSync(arg)) {
    await sleepOrHangup(ctx, channel, 1);
  } else {
    channel.setVar('current_application_response', 'FILE NOT FOUND');
  }
};

const respond: Application = async (ctx, channel, arg) => {
  const code = arg.split(' ')[0] ?? '';
  if (code === '180') markRingReady(ctx, channel);
  else if (code === '183') markPreAnswered(ctx, channel);
  else if (Number(code) >= 300) void hangupChannel(ctx, channel, SIP_CAUSES[code] ?? 'NORMAL_UNSPECIFIED');
};

/** `spandsp_start_fax_detect <app> [<arg>] [<timeout>] [ced]`: a tone detector that runs <app> on CNG. */
const faxDetect: Application = async (ctx, channel, arg) => {
  const [app, ...rest] = arg.split(' ');
  markPreAnswered(ctx, channel);
  if (!app || channel.station.line !== 'fax') return;
  const appArg = rest.filter((word) => !/^\d+$/.test(word) && word !== 'ced').join(' ');
  void sleepOrHangup(ctx, channel, 1.5).then((elapsed) => {
    if (!elapsed) return;
    fireChannelEvent(ctx, channel, 'DETECTED_TONE', { before: [['Detected-Fax-Tone', 'true']] });
    void enqueueApp(ctx, channel, { app, arg: appArg });
  });
};

/**
 * `bridge <dialstring>`: rings a simulated gateway leg; on answer both legs are bridged while the
 * remote stations exchange the fax themselves (FreeSWITCH only relays, so no spandsp events).
 */
const bridge: Application = async (ctx, channel, arg) => {
  const dial = parseDialString(arg);
  if (!dial) {
    channel.setVar('originate_disposition', 'DESTINATION_OUT_OF_ORDER');
    return;
  }
  const timeout = Number(dial.vars.get('call_timeout') ?? channel.getVar('call_timeout') ?? 60);
  let outcome: Awaited<ReturnType<typeof dialGroup>> = { ok: false, cause: 'NORMAL_CLEARING' };
  for (const group of dial.groups) {
    outcome = await dialGroup(ctx, group, timeout, undefined, channel);
    if (outcome.ok || channel.isHungUp) break;
  }
  if (!outcome.ok) {
    channel.setVar('originate_disposition', outcome.cause);
    return;
  }
  const other = outcome.channel;
  markAnswered(ctx, channel);
  channel.times.bridged = other.times.bridged = nowMicros();
  channel.setVar('bridge_uuid', other.uuid);
  const bridged: Array<[string, string]> = [['Bridge-A-Unique-ID', channel.uuid], ['Bridge-B-Unique-ID', other.uuid]];
  fireChannelEvent(ctx, channel, 'CHANNEL_BRIDGE', { after: bridged });
  const transfer = channel.station.pages * 12 + 6;
  await ctx.clock.sleep(transfer, Promise.race([channel.hungUp, other.hungUp]));
  fireChannelEvent(ctx, channel, 'CHANNEL_UNBRIDGE', { after: bridged });
  await hangupChannel(ctx, other, 'NORMAL_CLEARING');
};

/** Every dialplan application the simulator understands (issue §3). */
export const APPLICATIONS: ReadonlyMap<string, Application> = new Map<string, Application>([
  ['answer', async (ctx, channel) => markAnswered(ctx, channel)],
  ['pre_answer', async (ctx, channel) => markPreAnswered(ctx, channel)],
  ['ring_ready', async (ctx, channel) => markRingReady(ctx, channel)],
  ['set', async (_ctx, channel, arg) => void setVariable(channel, arg)],
  ['export', async (_ctx, channel, arg) => {
    const name = setVariable(channel, arg);
    const exported = channel.getVar('export_vars');
    channel.setVar('export_vars', exported ? `${exported},${name}` : name);
  }],
  ['sleep', async (ctx, channel, arg) => void (await sleepOrHangup(ctx, channel, Number(arg) / 1000 || 0))],
  ['playback', playback],
  ['respond', respond],
  ['hangup', async (ctx, channel, arg) => void hangupChannel(ctx, channel, arg || 'NORMAL_CLEARING')],
  ['park', async (_ctx, channel) => void (await channel.hungUp)],
  ['rxfax', rxfax],
  ['txfax', txfax],
  ['bridge', bridge],
  ['t38_gateway', async (_ctx, channel, arg) => channel.setVar('t38_leg', arg.startsWith('self') ? 'self' : 'peer')],
  ['spandsp_start_fax_detect', faxDetect],
]);
