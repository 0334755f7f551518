import type { SeededRandom } from './seededRandom.js';
import type { CallPhase, SimCallLog } from './simCallLog.js';

export type KillPhase = 'submission' | CallPhase;
export const killPhases: readonly KillPhase[] = ['submission', 'dialling', 'ringing', 'in call', 'after hang-up', 'receiving'];

/** Where everything stood at the SIGKILL: phase → the faxes and calls in it. */
export interface KillCensus {
  round: number;
  target: KillPhase[];
  /** The target phases were all occupied at the kill (else the deadline fired). */
  met: boolean;
  at: number;
  occupied: Partial<Record<KillPhase, string[]>>;
}

/**
 * Three rounds, two target phases each, so that every phase is aimed at once. The two phases that
 * last only a moment (dialling, just hung up) each go with one that lasts, so both can hold at once.
 */
export function planKillTargets(random: SeededRandom): KillPhase[][] {
  const brief = random.shuffle<KillPhase>(['dialling', 'after hang-up']);
  const lasting = random.shuffle<KillPhase>(['submission', 'ringing', 'in call', 'receiving']);
  return random.shuffle([
    [brief[0]!, lasting[0]!],
    [brief[1]!, lasting[1]!],
    [lasting[2]!, lasting[3]!],
  ]);
}

export function occupiedPhases(log: SimCallLog, submissionsInFlight: () => string[]): Partial<Record<KillPhase, string[]>> {
  const occupied: Partial<Record<KillPhase, string[]>> = {};
  const add = (phase: KillPhase, label: string) => (occupied[phase] ??= []).push(label);
  for (const label of submissionsInFlight()) add('submission', label);
  for (const { call, phase } of log.phases()) {
    add(phase, call.direction === 'outbound' ? `fax ${call.faxId ?? '?'} to +${call.number}` : `call ${call.uuid} from +${call.number}`);
  }
  return occupied;
}

/**
 * SIGKILLs at the first moment every target phase is occupied: checked synchronously on each
 * simulator event (so a kill can land right at a dial or a hang-up) and every 10 ms. After
 * `deadlineMs` it kills anyway and says the target was not met.
 */
export function killWhen(options: {
  round: number;
  target: KillPhase[];
  log: SimCallLog;
  submissionsInFlight: () => string[];
  kill: () => void;
  deadlineMs: number;
}): Promise<KillCensus> {
  return new Promise((resolve) => {
    let done = false;
    const fire = (met: boolean) => {
      if (done) return;
      const occupied = occupiedPhases(options.log, options.submissionsInFlight);
      if (met && !options.target.every((phase) => (occupied[phase]?.length ?? 0) > 0)) return;
      done = true;
      options.kill();
      stopListening();
      clearInterval(poll);
      clearTimeout(deadline);
      resolve({ round: options.round, target: options.target, met, at: Date.now(), occupied });
    };
    const stopListening = options.log.onChange(() => fire(true));
    const poll = setInterval(() => fire(true), 10);
    const deadline = setTimeout(() => fire(false), options.deadlineMs);
    fire(true);
  });
}
