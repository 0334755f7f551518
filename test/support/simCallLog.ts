import type { EslEvent } from '../../src/sim/eslEvent.js';
import type { Simulator } from '../../src/sim/simulator.js';

/** One fax run's outcome as the remote station saw it (spandsp phase E on that call). */
export interface SimFaxResult {
  mode: 'tx' | 'rx';
  /** T.30 result code: 0 means the remote party was told the fax went through. */
  code: number;
  pages: number;
  at: number;
}

/** What happened on one simulated call, in real milliseconds. */
export interface SimCall {
  uuid: string;
  direction: 'inbound' | 'outbound';
  /** Outbound: the dialled digits (without `+`); inbound: the caller's number. */
  number: string;
  /** Outbound: the `faxengine_fax_id` variable of the originate. */
  faxId: string | undefined;
  createdAt: number;
  ringingAt?: number;
  answeredAt?: number;
  /** txfax or rxfax began to run on the call. */
  faxStartedAt?: number;
  pagesDone: number;
  hungUpAt?: number;
  hangupCause?: string;
  results: SimFaxResult[];
}

export type CallPhase = 'dialling' | 'ringing' | 'in call' | 'receiving' | 'after hang-up';

/** How long a call counts as "just hung up" for the kill switch. */
const AFTER_HANGUP_MS = 150;

export interface SimCallLog {
  calls(): SimCall[];
  call(uuid: string): SimCall | undefined;
  /** The phase each live or just-ended call is in now. */
  phases(now?: number): Array<{ call: SimCall; phase: CallPhase }>;
  /** Called synchronously after each simulator event was recorded. */
  onChange(listener: (call: SimCall, event: EslEvent) => void): () => void;
  /** Successful fax transfers, as the simulator's remote stations saw them. */
  successes(mode: 'tx' | 'rx'): Array<{ call: SimCall; result: SimFaxResult }>;
  stop(): void;
}

/**
 * Watches the simulator's event hub from inside the test process and keeps, per call, what really
 * happened on it: ringing, answer, fax pages and the fax result the remote party got. This is the
 * ground truth the fault-injection test holds faxengine's own account against.
 */
export function recordSimCalls(sim: Simulator): SimCallLog {
  const calls = new Map<string, SimCall>();
  const listeners = new Set<(call: SimCall, event: EslEvent) => void>();

  const created = (uuid: string): SimCall | undefined => {
    const channel = sim.context.channels.get(uuid);
    if (!channel) return undefined;
    const outbound = channel.direction === 'outbound';
    const call: SimCall = {
      uuid,
      direction: channel.direction,
      number: (outbound ? channel.profile.destinationNumber : channel.profile.callerIdNumber).replace(/^\+/, ''),
      faxId: channel.getVar('faxengine_fax_id'),
      createdAt: Date.now(),
      pagesDone: 0,
      results: [],
    };
    calls.set(uuid, call);
    return call;
  };

  const sink = {
    deliver(event: EslEvent): void {
      const uuid = event.uniqueId;
      if (uuid === undefined) return;
      const call = calls.get(uuid) ?? (event.name === 'CHANNEL_CREATE' ? created(uuid) : undefined);
      if (!call) return;
      const now = Date.now();
      const subclass = event.subclass ?? '';
      if (event.name === 'CHANNEL_PROGRESS' || event.name === 'CHANNEL_PROGRESS_MEDIA') call.ringingAt ??= now;
      else if (event.name === 'CHANNEL_ANSWER') call.answeredAt ??= now;
      else if (event.name === 'CHANNEL_EXECUTE' && /^(tx|rx)fax$/.test(event.get('Application') ?? '')) call.faxStartedAt ??= now;
      else if (event.name === 'CHANNEL_HANGUP') {
        call.hungUpAt ??= now;
        call.hangupCause ??= event.get('Hangup-Cause');
      } else if (/^spandsp::(tx|rx)faxpageresult$/.test(subclass)) call.pagesDone += 1;
      else if (/^spandsp::(tx|rx)faxresult$/.test(subclass)) {
        call.results.push({
          mode: subclass.startsWith('spandsp::tx') ? 'tx' : 'rx',
          code: Number(event.get('fax-result-code')),
          pages: Number(event.get('fax-document-transferred-pages') ?? 0),
          at: now,
        });
      } else if (event.name !== 'CHANNEL_CREATE') return;
      for (const listener of listeners) listener(call, event);
    },
  };
  sim.context.hub.route(sink, undefined);

  const phaseOf = (call: SimCall, now: number): CallPhase | undefined => {
    if (call.hungUpAt !== undefined) return call.faxStartedAt !== undefined && now - call.hungUpAt <= AFTER_HANGUP_MS ? 'after hang-up' : undefined;
    if (call.direction === 'inbound') return call.faxStartedAt !== undefined && call.results.length === 0 ? 'receiving' : call.answeredAt !== undefined ? 'in call' : undefined;
    if (call.answeredAt !== undefined) return 'in call';
    return call.ringingAt !== undefined ? 'ringing' : 'dialling';
  };

  return {
    calls: () => [...calls.values()],
    call: (uuid) => calls.get(uuid),
    phases(now = Date.now()) {
      const out: Array<{ call: SimCall; phase: CallPhase }> = [];
      for (const call of calls.values()) {
        const phase = phaseOf(call, now);
        if (phase) out.push({ call, phase });
      }
      return out;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    successes(mode) {
      return [...calls.values()].flatMap((call) => call.results.filter((result) => result.mode === mode && result.code === 0).map((result) => ({ call, result })));
    },
    stop: () => sim.context.hub.remove(sink),
  };
}

/** The most outbound calls that were up at one moment (an end and a start at the same millisecond: the end first). */
export function mostOutboundCallsAtOnce(calls: readonly SimCall[]): number {
  const edges = calls
    .filter((call) => call.direction === 'outbound')
    .flatMap((call) => [
      { at: call.createdAt, step: 1 },
      { at: call.hungUpAt ?? Number.POSITIVE_INFINITY, step: -1 },
    ])
    .sort((a, b) => a.at - b.at || a.step - b.step);
  let now = 0;
  let most = 0;
  for (const { step } of edges) most = Math.max(most, (now += step));
  return most;
}
