import { nowMicros } from './eventFactory.js';
import { appsIdle } from './appRunner.js';
import type { Channel } from './channel.js';
import { runHangupHook } from './hangupHook.js';
import { fireChannelEvent, setCallState, setRunningState } from './channelEvents.js';
import type { SimContext } from './simContext.js';

const PCMU = { name: 'PCMU', rate: 8000, bitRate: 64000 };

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
export function hangupChannel(ctx: SimContext, channel: Channel, cause = 'NORMAL_CLEARING'): Promise<void> {
  if (channel.isHungUp) return Promise.resolve();
  channel.stateNumber = 10;
  channel.markHungUp(cause);
  fireChannelEvent(ctx, channel, 'CHANNEL_HANGUP');
  channel.controller?.channelHungUp(channel);
  return finishHangup(ctx, channel);
}

async function finishHangup(ctx: SimContext, channel: Channel): Promise<void> {
  await appsIdle(channel);
  endSocketPark(ctx, channel);
  setRunningState(ctx, channel, 'CS_HANGUP');
  setCallState(ctx, channel, 'HANGUP');
  await runHangupHook(ctx, channel);
  setRunningState(ctx, channel, 'CS_REPORTING');
  fireChannelEvent(ctx, channel, 'CHANNEL_HANGUP_COMPLETE', { before: [['Hangup-Cause', channel.hangupCause]] });
  if (channel.controller) await channel.controller.released;
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
