import type { StationInput } from '../../src/sim/scenario.js';
import type { SeededRandom } from './seededRandom.js';

export type StationKind = 'quick' | 'long ring' | 'busy once';

/** One fax to send: its own destination, so the simulator's count per number is the count per fax. */
export interface PlannedSend {
  round: number;
  /** Digits as dialled, without `+`. */
  number: string;
  kind: StationKind;
  station: StationInput;
  pages: 1 | 2;
  /** Real milliseconds to wait (while faxengine is up) before submitting it. */
  delayMs: number;
}

/** One fax to receive: a call from its own caller number. */
export interface PlannedCall {
  round: number;
  from: string;
  pages: number;
  delayMs: number;
}

export interface ChaosPlan {
  sends: PlannedSend[];
  calls: PlannedCall[];
  /** Per round: how many sends and calls must have gone out before its kill is armed. */
  armAfter: Array<{ sends: number; calls: number; extraMs: number }>;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** Stations as the simulator plays them; the busy one is switched to answering after its first busy call. */
export function stationOf(kind: StationKind, random: SeededRandom): StationInput {
  if (kind === 'long ring') return { ringSeconds: random.int(20, 30) };
  // Busy lines signal no ringing: the call stays "dialling" for its ring time, then fails busy.
  if (kind === 'busy once') return { outcome: 'USER_BUSY', ringSeconds: 6 };
  return { ringSeconds: random.int(1, 3) };
}

/**
 * What the fault-injection run does, all drawn from the seed: `perRound` sends and calls per round,
 * at random intervals, each send to a station that answers quickly, rings long or is busy once,
 * each call with 1 to 3 pages. A round's kill is armed once most of its faxes went out.
 */
export function planWorkload(random: SeededRandom, rounds: number, perRound: number): ChaosPlan {
  const sends: PlannedSend[] = [];
  const calls: PlannedCall[] = [];
  const armAfter: ChaosPlan['armAfter'] = [];
  for (let round = 1; round <= rounds; round++) {
    for (let index = 0; index < perRound; index++) {
      const draw = random.next();
      const kind: StationKind = draw < 0.6 ? 'quick' : draw < 0.85 ? 'long ring' : 'busy once';
      sends.push({ round, number: `15550${round}1${pad(index, 4)}`, kind, station: stationOf(kind, random), pages: random.next() < 0.5 ? 1 : 2, delayMs: random.int(80, 400) });
      calls.push({ round, from: `15550${round}2${pad(index, 4)}`, pages: random.int(1, 3), delayMs: random.int(80, 400) });
    }
    const before = (round - 1) * perRound;
    armAfter.push({ sends: before + random.int(perRound - 4, perRound), calls: before + random.int(perRound - 4, perRound), extraMs: random.int(0, 800) });
  }
  return { sends, calls, armAfter };
}

/** Lets the workload wait while faxengine is down. */
export class UpGate {
  private waiters: Array<() => void> = [];
  up = false;

  open(): void {
    this.up = true;
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  close(): void {
    this.up = false;
  }

  whenUp(): Promise<void> {
    return this.up ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

/**
 * Issues `items` one by one: waits each item's delay, then for faxengine to be up, then starts it
 * (without waiting for it to finish). Resolves once every item was started.
 */
export async function issueInOrder<T extends { delayMs: number }>(items: readonly T[], gate: UpGate, start: (item: T) => void, stopped: () => boolean): Promise<void> {
  for (const item of items) {
    await new Promise((resolve) => setTimeout(resolve, item.delayMs));
    await gate.whenUp();
    if (stopped()) return;
    start(item);
  }
}
