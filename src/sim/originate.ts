import { enqueueApp } from './appRunner.js';
import type { Channel } from './channel.js';
import { setRunningState } from './channelEvents.js';
import { hangupChannel } from './channelOps.js';
import { dialLeg, type LegOutcome } from './legDialer.js';
import { parseOriginate, type Endpoint } from './originateParser.js';
import type { SimContext } from './simContext.js';

const USAGE =
  '-USAGE: <proto_url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]\n';

/** `switch_string_var_check_const`: a `$` followed (past any backslashes) by `{`. */
export function hasVariableReference(value: string): boolean {
  return /\$\\*\{/.test(value);
}

/** Rings all endpoints of a `,` group at once; the first answer wins and the others lose the race. */
export async function dialGroup(
  ctx: SimContext,
  group: Endpoint[],
  timeoutSeconds: number,
  firstUuid: string | undefined,
  aLeg?: Channel,
  legs: Channel[] = [],
): Promise<LegOutcome> {
  let winner: Channel | undefined;
  const outcomes = group.map((endpoint, index) =>
    dialLeg(ctx, endpoint, {
      uuid: index === 0 ? firstUuid : undefined,
      aLeg,
      timeoutSeconds: Number(endpoint.vars.get('leg_timeout') ?? timeoutSeconds),
      onCreated: (channel) => legs.push(channel),
    }).then((outcome) => {
      if (!outcome.ok && winner === undefined) return outcome;
      if (outcome.ok && winner === undefined) {
        winner = outcome.channel;
        for (const leg of legs) if (leg !== winner) void hangupChannel(ctx, leg, 'LOSE_RACE');
      } else if (outcome.ok) {
        void hangupChannel(ctx, outcome.channel, 'LOSE_RACE');
      }
      return outcome;
    }),
  );
  const results = await new Promise<LegOutcome[]>((resolve) => {
    const settled: LegOutcome[] = [];
    for (const outcome of outcomes) {
      void outcome.then((result) => {
        settled.push(result);
        if (result.ok && result.channel === winner) resolve([result]);
        else if (settled.length === outcomes.length) resolve(settled);
      });
    }
  });
  return results.find((result) => result.ok) ?? (results[results.length - 1] as LegOutcome);
}

/**
 * The `originate` API (reference §1.7, §2.4): tries the `|` groups in order and returns
 * `+OK <uuid>\n` once a leg answered, or `-ERR <CAUSE>\n`. After a success the leg enters
 * CS_EXECUTE and runs `&app(arg)` on the next tick (so the BACKGROUND_JOB comes first), then
 * hangs up with NORMAL_CLEARING like a finished dialplan. An extension target just parks.
 */
export async function originateApi(ctx: SimContext, args: string): Promise<string> {
  const request = parseOriginate(args);
  if ('error' in request) return request.error === 'usage' ? USAGE : '-ERR DESTINATION_OUT_OF_ORDER\n';
  // switch_ivr_originate: a value holding `${` is not set on the channel ("Invalid data … contains a
  // variable") unless the originate says origination_nested_vars=true.
  if (!/origination_nested_vars=true/i.test(args)) {
    for (const endpoint of request.groups.flat()) {
      for (const [name, value] of endpoint.vars) if (hasVariableReference(value)) endpoint.vars.delete(name);
    }
  }
  const timeout = Number(request.vars.get('originate_timeout') ?? request.timeoutSeconds ?? 60);
  const uuid = request.vars.get('origination_uuid');
  if (uuid !== undefined && ctx.channels.has(uuid)) return '-ERR DESTINATION_OUT_OF_ORDER\n';
  let outcome: LegOutcome = { ok: false, cause: 'NORMAL_CLEARING' };
  const created: Channel[] = [];
  for (const group of request.groups) {
    // origination_uuid goes to the first channel actually created (`error/…` creates none).
    outcome = await dialGroup(ctx, group, timeout, created.length === 0 ? uuid : undefined, undefined, created);
    if (outcome.ok) break;
  }
  if (!outcome.ok) return `-ERR ${outcome.cause}\n`;
  const channel = outcome.channel;
  flipCallerId(channel);
  setRunningState(ctx, channel, 'CS_EXECUTE');
  const app = request.app ?? { name: 'park', arg: '' };
  setImmediate(() => {
    void enqueueApp(ctx, channel, { app: app.name, arg: app.arg }).then(() => hangupChannel(ctx, channel, 'NORMAL_CLEARING'));
  });
  return `+OK ${channel.uuid}\n`;
}

/**
 * An answered originate runs its application as if the far end had called: caller and callee swap
 * (`channel_cid_flipped`), the original caller id stays in `Orig-Caller-ID-*` (audio.raw).
 */
function flipCallerId(channel: Channel): void {
  const p = channel.profile;
  channel.setVar('pre_transfer_caller_id_name', p.callerIdName);
  channel.setVar('pre_transfer_caller_id_number', p.callerIdNumber);
  channel.setVar('channel_cid_flipped', 'yes');
  channel.setVar('call_uuid', channel.getVar('call_uuid'));
  p.origCallerIdName = p.callerIdName;
  p.origCallerIdNumber = p.callerIdNumber;
  [p.callerIdName, p.calleeIdName] = [p.calleeIdName, p.callerIdName];
  [p.callerIdNumber, p.calleeIdNumber] = [p.calleeIdNumber, p.callerIdNumber];
  channel.hitDialplan = true;
}
