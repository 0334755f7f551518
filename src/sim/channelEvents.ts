import { CALL_STATE_NUMBERS, STATE_NUMBERS, type CallState, type Channel, type ChannelStateName } from './channel.js';
import { addChannelData } from './channelData.js';
import type { EslEvent } from './eslEvent.js';
import type { EventOrigin } from './eventFactory.js';
import { EVENTS_WITH_VARIABLES } from './eventNames.js';
import type { SimContext } from './simContext.js';

const o = (file: string, func: string, line: number): EventOrigin => ({ file, func, line });

/** Where in FreeSWITCH each channel event is fired (reference §2.1); line numbers are those of the 1.10.12 captures. */
const ORIGINS: Record<string, EventOrigin> = {
  CHANNEL_STATE: o('switch_channel.c', 'switch_channel_perform_set_running_state', 2408),
  CHANNEL_CALLSTATE: o('switch_channel.c', 'switch_channel_perform_set_callstate', 313),
  CHANNEL_CREATE: o('switch_core_state_machine.c', 'switch_core_session_run', 626),
  CHANNEL_DESTROY: o('switch_core_session.c', 'switch_core_session_perform_destroy', 1584),
  CHANNEL_ANSWER: o('switch_channel.c', 'switch_channel_perform_mark_answered', 3846),
  CHANNEL_PROGRESS: o('switch_channel.c', 'switch_channel_perform_mark_ring_ready_value', 3505),
  CHANNEL_PROGRESS_MEDIA: o('switch_channel.c', 'switch_channel_perform_mark_pre_answered', 3560),
  CHANNEL_HANGUP: o('switch_channel.c', 'switch_channel_perform_hangup', 3445),
  CHANNEL_HANGUP_COMPLETE: o('switch_core_state_machine.c', 'switch_core_session_reporting_state', 943),
  CHANNEL_EXECUTE: o('switch_core_session.c', 'switch_core_session_exec', 2944),
  CHANNEL_EXECUTE_COMPLETE: o('switch_core_session.c', 'switch_core_session_exec', 2967),
  CHANNEL_PARK: o('switch_ivr.c', 'switch_ivr_park', 1002),
  CHANNEL_UNPARK: o('switch_ivr.c', 'switch_ivr_park', 1213),
  CHANNEL_OUTGOING: o('switch_core_session.c', 'switch_core_session_outgoing_channel', 718),
  CHANNEL_ORIGINATE: o('switch_core_session.c', 'switch_core_session_outgoing_channel', 729),
  CHANNEL_UUID: o('switch_core_session.c', 'switch_core_session_set_uuid', 2424),
  CHANNEL_BRIDGE: o('switch_ivr_bridge.c', 'audio_bridge_on_exchange_media', 1134),
  CHANNEL_UNBRIDGE: o('switch_ivr_bridge.c', 'audio_bridge_on_exchange_media', 1355),
  CHANNEL_DATA: o('mod_event_socket.c', 'parse_command', 2021),
  DETECTED_TONE: o('mod_spandsp_dsp.c', 'tone_detect_callback', 226),
};
const FALLBACK_ORIGIN = o('switch_channel.c', 'switch_channel_event_set_data', 2800);

export interface ChannelEventOptions {
  subclass?: string;
  origin?: EventOrigin;
  /** Headers between the common ones and the channel data (CALLSTATE, UUID, HANGUP_COMPLETE). */
  before?: Array<[string, string | undefined]>;
  /** Headers after the channel data (EXECUTE, spandsp fields). */
  after?: Array<[string, string | number | undefined]>;
  body?: string;
}

/** Builds a channel event: common headers, `before`, channel data, `after` (reference §2.1–2.3). */
export function channelEvent(ctx: SimContext, channel: Channel, name: string, options: ChannelEventOptions = {}): EslEvent {
  const event = ctx.events.create(name, options.origin ?? ORIGINS[name] ?? FALLBACK_ORIGIN, options.subclass);
  for (const [header, value] of options.before ?? []) event.add(header, value);
  addChannelData(event, channel, EVENTS_WITH_VARIABLES.has(name));
  for (const [header, value] of options.after ?? []) event.add(header, value);
  event.body = options.body;
  return event;
}

export function fireChannelEvent(ctx: SimContext, channel: Channel, name: string, options?: ChannelEventOptions): void {
  ctx.hub.fire(channelEvent(ctx, channel, name, options));
}

/** Changes the running state and fires CHANNEL_STATE; `requested` lets both numbers differ (reference §2.2). */
export function setRunningState(ctx: SimContext, channel: Channel, state: ChannelStateName, requested: number = STATE_NUMBERS[state]): void {
  channel.runningState = state;
  channel.stateNumber = requested;
  fireChannelEvent(ctx, channel, 'CHANNEL_STATE');
}

/** Fires CHANNEL_CALLSTATE only on a real change, with the previous state before the channel data. */
export function setCallState(ctx: SimContext, channel: Channel, callState: CallState): void {
  if (channel.callState === callState) return;
  const original = channel.callState;
  channel.callState = callState;
  fireChannelEvent(ctx, channel, 'CHANNEL_CALLSTATE', {
    before: [
      ['Original-Channel-Call-State', original],
      ['Channel-Call-State-Number', String(CALL_STATE_NUMBERS[callState])],
    ],
  });
}
