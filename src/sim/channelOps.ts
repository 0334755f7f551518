import { nowMicros } from './eventFactory.js';
import { appsIdle, hasApps } from './appRunner.js';
import type { Channel } from './channel.js';
import { runHangupHook } from './hangupHook.js';
import { fireChannelEvent, setCallState, setRunningState } from './channelEvents.js';
import type { SimContext } from './simContext.js';

const PCMU = { name: 'PCMU', rate: 8000, bitRate: 64000 };

/** Q.850 numbers of the causes the simulator uses (`variable_hangup_cause_q850`). */
const Q850: Record<string, number> = {
  UNALLOCATED_NUMBER: 1, NORMAL_CLEARING: 16, USER_BUSY: 17, NO_USER_RESPONSE: 18, NO_ANSWER: 19,
  CALL_REJECTED: 21, DESTINATION_OUT_OF_ORDER: 27, NORMAL_UNSPECIFIED: 31, NORMAL_TEMPORARY_FAILURE: 41,
  INCOMPATIBLE_DESTINATION: 88, ORIGINATOR_CANCEL: 487, LOSE_RACE: 502, MANAGER_REQUEST: 503,
  SYSTEM_SHUTDOWN: 501,
};

/** 180 Ringing: CHANNEL_PROGRESS, then RINGING if the call state changes (reference §2.4). */
export function markRingReady(ctx: SimContext, channel: Channel): void {
  if (channel.times.progress !== 0 || channel.isHungUp) return;
  channel.times.progress = nowMicros();
  fireChannelEvent(ctx, channel, 'CHANNEL_PROGRESS');
  setCallState(ctx, channel, 'RINGING');
}

/** 183 with SDP: codecs come up, CHANNEL_PROGRESS_MEDIA, call state EARLY. */
export function markPreAnswered(ctx: SimContext, channel: Channel): void {
  if (channel.times.progressMedia !== 0 || channel.isAnswered || channel.isHungUp) return;
  channel.times.progressMedia = nowMicros();
  channel.readCodec = channel.writeCodec = PCMU;
  channel.answerState = 'early';
  fireChannelEvent(ctx, channel, 'CHANNEL_PROGRESS_MEDIA');
  setCallState(ctx, channel, 'EARLY');
}

/** 200 OK: CHANNEL_ANSWER, then CHANNEL_CALLSTATE ACTIVE (reference §2.4 step 7). */
export function markAnswered(ctx: SimContext, channel: Channel): void {
  if (channel.isAnswered || channel.isHungUp) return;
  // Answering an inbound SIP call passes through early media first (osock-audio.raw:
  // CHANNEL_PROGRESS_MEDIA, then CHANNEL_ANSWER with Channel-Call-State EARLY).
  if (channel.direction === 'inbound') markPreAnswered(ctx, channel);
  channel.times.answered = nowMicros();
  channel.readCodec = channel.writeCodec = PCMU;
  channel.answerState = 'answered';
  fireChannelEvent(ctx, channel, 'CHANNEL_ANSWER');
  setCallState(ctx, channel, 'ACTIVE');
}

/**
 * Hangs the channel up. CHANNEL_HANGUP (running state unchanged, requested state HANGUP) is fired
 * synchronously; then the running application finishes (fax apps report code 49 now), the park
 * loop of an async socket ends, the reporting events follow, and CHANNEL_DESTROY waits for the
 * controlling socket to let go (reference §1.9, §2.4). Resolves when the channel is destroyed.
 */
export function hangupChannel(ctx: SimContext, channel: Channel, cause = 'NORMAL_CLEARING', waits: HangupWaits = {}): Promise<void> {
  if (channel.isHungUp) return Promise.resolve();
  channel.stateNumber = 10;
  channel.markHungUp(cause);
  // The hangup time stays unset until the channel reaches CS_HANGUP: CHANNEL_HANGUP and the fax
  // result after it show 0 (audio.raw).
  channel.times.hangup = 0;
  fireChannelEvent(ctx, channel, 'CHANNEL_HANGUP');
  return finishHangup(ctx, channel, waits);
}

/** Points in the teardown that wait for something else first (an originate's BACKGROUND_JOB). */
export interface HangupWaits {
  completeAfter?: Promise<void>;
  destroyAfter?: Promise<void>;
}

async function finishHangup(ctx: SimContext, channel: Channel, waits: HangupWaits): Promise<void> {
  // Applications still queued (sendmsgs in flight included) are worked off before the channel
  // leaves CS_EXECUTE: `set` still runs there (osock-badapp.raw).
  for (let idle = appsIdle(channel); hasApps(channel); idle = appsIdle(channel)) {
    await idle;
    await new Promise((resolve) => setImmediate(resolve));
    if (idle === appsIdle(channel)) break;
  }
  if (waits.completeAfter) await waits.completeAfter;
  endSocketPark(ctx, channel);
  setRunningState(ctx, channel, 'CS_HANGUP');
  channel.times.hangup = nowMicros();
  setCallState(ctx, channel, 'HANGUP');
  await runHangupHook(ctx, channel);
  setRunningState(ctx, channel, 'CS_REPORTING');
  channel.setVar('hangup_cause', channel.hangupCause);
  channel.setVar('hangup_cause_q850', Q850[channel.hangupCause ?? '']);
  channel.setVar('last_app', channel.getVar('current_application'));
  channel.setVar('last_arg', channel.getVar('current_application_data'));
  fireChannelEvent(ctx, channel, 'CHANNEL_HANGUP_COMPLETE', { before: [['Hangup-Cause', channel.hangupCause]] });
  // An outbound socket learns of the hangup once the channel is reported (the linger notice
  // follows CHANNEL_HANGUP_COMPLETE: osock-audio.raw).
  channel.controller?.channelHungUp(channel);
  if (waits.destroyAfter) await waits.destroyAfter;
  if (channel.controller) await channel.controller.released;
  channel.stateNumber = 12;
  fireChannelEvent(ctx, channel, 'CHANNEL_DESTROY');
  setRunningState(ctx, channel, 'CS_DESTROY');
  ctx.channels.remove(channel);
  channel.markDestroyed();
}

/** The `socket` app returns when its park loop ends: CHANNEL_UNPARK, then its EXECUTE_COMPLETE. */
export function endSocketPark(ctx: SimContext, channel: Channel): void {
  const socketApp = channel.socketApp;
  if (!socketApp) return;
  channel.socketApp = undefined;
  if (channel.parked) {
    channel.parked = false;
    fireChannelEvent(ctx, channel, 'CHANNEL_UNPARK');
  }
  fireChannelEvent(ctx, channel, 'CHANNEL_EXECUTE_COMPLETE', {
    after: [
      ['Application', 'socket'],
      ['Application-Data', socketApp.data],
      ['Application-Response', '_none_'],
      ['Application-UUID', socketApp.appUuid],
    ],
  });
}
