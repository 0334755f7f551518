import { executeApi } from './apiCommands.js';
import type { Channel } from './channel.js';
import type { SimContext } from './simContext.js';

/**
 * What `switch_core_session_hangup_state` does in CS_HANGUP, after the running application has
 * returned (so txfax/rxfax's `fax_*` variables are set): `hangup_cause` and the `*_epoch`
 * timestamps become variables, then `api_hangup_hook` runs as `<command> <args>` (or
 * `<command>::<args>`), its arguments `${…}`-expanded only now.
 */
export async function runHangupHook(ctx: SimContext, channel: Channel): Promise<void> {
  channel.setVar('hangup_cause', channel.hangupCause);
  const epoch = (micros: number) => String(Math.floor(micros / 1_000_000));
  channel.setVar('start_epoch', epoch(channel.times.created));
  channel.setVar('answer_epoch', epoch(channel.times.answered));
  channel.setVar('end_epoch', epoch(channel.times.hangup));
  const hook = channel.getVar('api_hangup_hook');
  if (!hook) return;
  const pair = hook.indexOf(':');
  const split = pair !== -1 && hook[pair + 1] === ':' ? [pair, pair + 2] : [hook.indexOf(' '), hook.indexOf(' ') + 1];
  const [end, argStart] = split as [number, number];
  const command = end === -1 ? hook : hook.slice(0, end);
  const args = end === -1 ? '' : channel.expand(hook.slice(argStart));
  await executeApi(ctx, command, args);
}
