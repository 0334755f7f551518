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
  /** A fax TIFF is taken as it is (a quick submission); a PDF is rendered first (a slow one). */
  format: 'tiff' | 'pdf';
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
 * What the fault-injection run does, all drawn from the seed: `perRound` sends and calls per round
 * at random intervals. Each round has the same mix in a random order — half the sends to stations
 * that answer quickly, a third ringing long, the rest busy once; a quarter submitted as PDF (slow:
 * rendered first), the others as fax TIFF — so every phase a kill aims at comes up in every round.
 * Calls send 1 to 3 pages. A round's kill is armed early, while most of its faxes are still to come.
 */
export function planWorkload(random: SeededRandom, rounds: number, perRound: number): ChaosPlan {
  const sends: PlannedSend[] = [];
  const calls: PlannedCall[] = [];
  const armAfter: ChaosPlan['armAfter'] = [];
  const longRings = Math.round(perRound / 3);
  const busy = Math.max(1, Math.round(perRound / 6));
  const kinds: StationKind[] = Array.from({ length: perRound }, (_, index) => (index < longRings ? 'long ring' : index < longRings + busy ? 'busy once' : 'quick'));
  const formats = Array.from({ length: perRound }, (_, index): PlannedSend['format'] => (index < Math.ceil(perRound / 4) ? 'pdf' : 'tiff'));
  for (let round = 1; round <= rounds; round++) {
    const roundKinds = random.shuffle(kinds);
    const roundFormats = random.shuffle(formats);
    for (let index = 0; index < perRound; index++) {
      const kind = roundKinds[index]!;
      const station = stationOf(kind, random);
      sends.push({ round, number: `15550${round}1${pad(index, 4)}`, kind, station, pages: random.next() < 0.5 ? 1 : 2, format: roundFormats[index]!, delayMs: random.int(80, 400) });
      calls.push({ round, from: `15550${round}2${pad(index, 4)}`, pages: random.int(1, 3), delayMs: random.int(80, 400) });
    }
    const before = (round - 1) * perRound;
    armAfter.push({ sends: before + random.int(2, 5), calls: before + random.int(2, 5), extraMs: random.int(0, 500) });
  }
  return { sends, calls, armAfter };
}

/**
 * Lets the workload wait while faxengine is down, and keeps each round's faxes for its own
 * lifetime (or a later one, if the kill came early): a round never runs out of traffic because
 * an earlier one used it up.
 */
export class UpGate {
  private waiters: Array<{ round: number; resolve: () => void }> = [];
  private up = false;
  private lifetime = 0;

  /** faxengine's `lifetime`-th process is up (the first is 1). */
  open(lifetime: number): void {
    this.up = true;
    this.lifetime = lifetime;
    const ready = this.waiters.filter((waiter) => waiter.round <= lifetime);
    this.waiters = this.waiters.filter((waiter) => waiter.round > lifetime);
    for (const waiter of ready) waiter.resolve();
  }

  close(): void {
    this.up = false;
  }

  whenOpenFor(round: number): Promise<void> {
    if (this.up && round <= this.lifetime) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ round, resolve }));
  }
}

/**
 * Issues `items` one by one: waits for faxengine to be up in the item's round, then the item's
 * delay, then starts it (without waiting for it to finish). Resolves once every item was started.
 */
export async function issueInOrder<T extends { delayMs: number; round: number }>(items: readonly T[], gate: UpGate, start: (item: T) => void, stopped: () => boolean): Promise<void> {
  for (const item of items) {
    await gate.whenOpenFor(item.round);
    await new Promise((resolve) => setTimeout(resolve, item.delayMs));
    await gate.whenOpenFor(item.round);
    if (stopped()) return;
    start(item);
  }
}
