import type { SeededRandom } from './seededRandom.js';
import type { CallPhase, SimCallLog } from './simCallLog.js';

export type KillPhase = 'submission' | CallPhase;
export const killPhases: readonly KillPhase[] = ['submission', 'dialling', 'ringing', 'in call', 'after hang-up', 'receiving'];

/** Where everything stood at the SIGKILL: phase → the faxes and calls in it. */
export interface KillCensus {
  round: number;
  target: KillPhase[];
  /** Which target phases were occupied at the kill: both, the first (after half the deadline), or none (deadline). */
  met: 'both' | 'first' | 'none';
  at: number;
  occupied: Partial<Record<KillPhase, string[]>>;
}

// From the phase that comes up least to the one that is nearly always there.
const rarity: readonly KillPhase[] = ['dialling', 'after hang-up', 'submission', 'ringing', 'in call', 'receiving'];

/**
 * Three rounds, two target phases each, so that every phase is aimed at once. The two phases that
 * last only a moment (dialling, just hung up) each go with one that lasts, so both can hold at once;
 * each pair names its rarer phase first (the one a kill falls back to).
 */
export function planKillTargets(random: SeededRandom): KillPhase[][] {
  const brief = random.shuffle<KillPhase>(['dialling', 'after hang-up']);
  const lasting = random.shuffle<KillPhase>(['submission', 'ringing', 'in call', 'receiving']);
  const pairs = [
    [brief[0]!, lasting[0]!],
    [brief[1]!, lasting[1]!],
    [lasting[2]!, lasting[3]!],
  ];
  return random.shuffle(pairs.map((pair) => [...pair].sort((a, b) => rarity.indexOf(a) - rarity.indexOf(b))));
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
 * simulator event (so a kill can land right at a dial or a hang-up) and every 10 ms. After half of
 * `deadlineMs` the first target phase alone is enough; after `deadlineMs` it kills anyway.
 */
export function killWhen(options: {
  round: number;
  target: KillPhase[];
  log: SimCallLog;
  submissionsInFlight: () => string[];
  /** Where a POST going out is told (submissions are short: the 10 ms poll alone can miss them all). */
  onSubmit?: (listener: () => void) => () => void;
  kill: () => void;
  deadlineMs: number;
}): Promise<KillCensus> {
  return new Promise((resolve) => {
    let done = false;
    const armed = Date.now();
    const fire = (deadlinePassed: boolean) => {
      if (done) return;
      const occupied = occupiedPhases(options.log, options.submissionsInFlight);
      const holds = (phase: KillPhase | undefined) => phase !== undefined && (occupied[phase]?.length ?? 0) > 0;
      const met = options.target.every(holds) ? 'both' : holds(options.target[0]) && Date.now() - armed >= options.deadlineMs / 2 ? 'first' : 'none';
      if (met === 'none' && !deadlinePassed) return;
      done = true;
      options.kill();
      stopListening();
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ round: options.round, target: options.target, met, at: Date.now(), occupied });
    };
    const stopListeningToCalls = options.log.onChange(() => fire(false));
    const stopListeningToPosts = options.onSubmit?.(() => fire(false));
    const stopListening = () => {
      stopListeningToCalls();
      stopListeningToPosts?.();
    };
    const poll = setInterval(() => fire(false), 10);
    const timer = setTimeout(() => fire(true), options.deadlineMs);
    fire(false);
  });
}
