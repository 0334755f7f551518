import type { Simulator } from '../../src/sim/simulator.js';

/** One call faxengine originated, as the simulated FreeSWITCH's channel holds it. */
export interface OriginatedCall {
  uuid: string;
  gateway: string | undefined;
  /** The dialled number, as FreeSWITCH has it. */
  destination: string;
  /** The channel's variables when it was created: the originate's `{…}` after FreeSWITCH's own parsing. */
  variables: Record<string, string | undefined>;
  /** `has_t38=true` was set: the call went over T.38. */
  t38: boolean;
}

const watched = [
  'origination_caller_id_number',
  'origination_caller_id_name',
  'fax_enable_t38',
  'fax_enable_t38_request',
  'faxengine_fax_id',
] as const;

/**
 * Records every outbound call the simulator creates, with the channel variables FreeSWITCH parsed
 * out of the originate: what really reached it, not what faxengine believes it sent.
 */
export function recordOriginatedCalls(sim: Simulator): { calls(): OriginatedCall[]; stop(): void } {
  const calls = new Map<string, OriginatedCall>();
  const context = sim.context;
  const sink = {
    deliver(event: { name: string; uniqueId?: string }) {
      const channel = event.uniqueId === undefined ? undefined : context.channels.get(event.uniqueId);
      if (!channel || channel.direction !== 'outbound') return;
      if (event.name === 'CHANNEL_CREATE' && !calls.has(channel.uuid)) {
        calls.set(channel.uuid, {
          uuid: channel.uuid,
          gateway: channel.getVar('sip_gateway_name'),
          destination: channel.profile.destinationNumber,
          variables: Object.fromEntries(watched.map((name) => [name, channel.getVar(name)])),
          t38: false,
        });
      }
      const call = calls.get(channel.uuid);
      if (call && channel.getVar('has_t38') === 'true') call.t38 = true;
    },
  };
  context.hub.route(sink as Parameters<typeof context.hub.route>[0], undefined);
  return { calls: () => [...calls.values()], stop: () => context.hub.remove(sink as Parameters<typeof context.hub.remove>[0]) };
}
