import type { CaptureLine, NormalFrame } from './captures.js';
import type { RawEslClient } from './rawEsl.js';

export interface ReplayOptions {
  /** Simulated seconds per capture second: pauses between frames are the capture's, scaled. */
  timeScale: number;
  /** Rewrites what the client sends (file paths that only exist on the capture machine). */
  rewrite?: (text: string) => string;
  /** How long to wait for a frame the capture says came before the next send. */
  frameTimeoutMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Plays the client side of one captured connection: each `send` goes out once as many frames came
 * back as the capture had received before it, after the capture's own pause since its last frame
 * (scaled). Returns every frame the simulator wrote, raw, and whether it closed the connection.
 */
export async function replayConnection(client: RawEslClient, lines: CaptureLine[], options: ReplayOptions): Promise<{ frames: string[]; closed: boolean }> {
  const frames: string[] = [];
  let pumping = true;
  const pump = (async () => {
    while (pumping) {
      try {
        frames.push((await client.next(60_000)).raw);
      } catch {
        return;
      }
    }
  })();
  /** Waits for `count` frames; gives up after `timeoutMs`, or once nothing came for `quietMs`. */
  const waitFor = async (count: number, timeoutMs: number, quietMs = timeoutMs): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    let seen = frames.length;
    let lastNew = Date.now();
    while (frames.length < count && !client.closed && Date.now() < deadline && Date.now() - lastNew < quietMs) {
      await sleep(2);
      if (frames.length !== seen) [seen, lastNew] = [frames.length, Date.now()];
    }
  };
  const frameTimeoutMs = options.frameTimeoutMs ?? 20_000;
  let expected = 0;
  let lastAt = 0;
  for (const line of lines) {
    if (line.k === 'recv') {
      expected++;
      lastAt = line.t;
    } else if (line.k === 'send') {
      await waitFor(expected, frameTimeoutMs);
      await sleep(Math.min(1000, Math.max(0, (line.t - lastAt) * 1000 * options.timeScale)));
      client.send(options.rewrite ? options.rewrite(line.d) : line.d);
      lastAt = line.t;
    }
  }
  const expectsEof = lines.some((line) => line.k === 'eof');
  // A missing last frame must not cost the whole timeout: 2 s of silence ends the wait.
  await waitFor(expected, frameTimeoutMs, 2000);
  if (expectsEof) {
    const deadline = Date.now() + frameTimeoutMs;
    while (!client.closed && Date.now() < deadline) await sleep(5);
  } else {
    await sleep(200);
  }
  // Anything the simulator writes late but before the close is part of what it sent.
  await sleep(20);
  pumping = false;
  const closed = client.closed;
  client.socket.destroy();
  await pump;
  return { frames, closed };
}

/** A difference between the capture and the simulator that the test accepts, and why. */
export interface AcceptedDifference {
  /** Capture files it applies to; all when omitted. */
  captures?: readonly string[];
  /** Frame labels (Event-Name and subclass, or `reply …`) it applies to; all when omitted. */
  frames?: RegExp;
  /** Headers left out of the comparison on both sides. */
  header: RegExp;
  reason: string;
}

const applies = (rule: AcceptedDifference, capture: string, label: string): boolean =>
  (rule.captures === undefined || rule.captures.includes(capture)) && (rule.frames === undefined || rule.frames.test(label));

function compareHeaders(where: string, expected: Array<[string, string]>, actual: Array<[string, string]>): string[] {
  const problems: string[] = [];
  const expectedNames = expected.map(([name]) => name);
  const actualNames = actual.map(([name]) => name);
  for (const [name, value] of expected) {
    const got = actual.find(([key]) => key === name);
    if (!got) problems.push(`${where}: missing header ${name}: ${value}`);
    else if (got[1] !== value) problems.push(`${where}: header ${name} is ${JSON.stringify(got[1])}, capture has ${JSON.stringify(value)}`);
  }
  for (const [name, value] of actual) if (!expectedNames.includes(name)) problems.push(`${where}: extra header ${name}: ${value}`);
  if (problems.length === 0 && expectedNames.join('\n') !== actualNames.join('\n')) {
    const common = expectedNames.filter((name) => actualNames.includes(name));
    const order = actualNames.filter((name) => expectedNames.includes(name));
    const at = common.findIndex((name, index) => order[index] !== name);
    if (at !== -1) problems.push(`${where}: header order differs at ${common[at]} (sim has ${order[at]})`);
  }
  return problems;
}

/** Longest common subsequence of labels: which capture frame pairs with which simulator frame. */
function align(expected: string[], actual: string[]): Array<[number | undefined, number | undefined]> {
  const n = expected.length;
  const m = actual.length;
  const table = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = table[i] as number[];
      row[j] = expected[i] === actual[j] ? (table[i + 1] as number[])[j + 1]! + 1 : Math.max((table[i + 1] as number[])[j]!, row[j + 1]!);
    }
  }
  const pairs: Array<[number | undefined, number | undefined]> = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && expected[i] === actual[j]) pairs.push([i++, j++]);
    else if (j < m && (i === n || (table[i] as number[])[j + 1]! >= (table[i + 1] as number[])[j]!)) pairs.push([undefined, j++]);
    else pairs.push([i++, undefined]);
  }
  return pairs;
}

const isEvent = (frame: NormalFrame): boolean => frame.kind === 'event' || frame.kind === 'notice';

/**
 * Every difference between the capture's frames and the simulator's that no rule accepts. Events
 * (with disconnect notices) are compared in order, and so are command replies; how the two
 * streams interleave is not: FreeSWITCH's listener thread writes queued events between reading a
 * command and answering it as its threads happen to run (kill.raw: CHANNEL_HANGUP between a
 * command and its reply; osock-*.raw: CHANNEL_PARK after a later command than `myevents`).
 */
export function compareFrames(capture: string, expected: NormalFrame[], actual: NormalFrame[], accepted: readonly AcceptedDifference[]): string[] {
  return [
    ...compareStream(capture, 'event', expected.filter(isEvent), actual.filter(isEvent), accepted),
    ...compareStream(capture, 'reply', expected.filter((frame) => !isEvent(frame)), actual.filter((frame) => !isEvent(frame)), accepted),
  ];
}

function compareStream(capture: string, stream: string, expected: NormalFrame[], actual: NormalFrame[], accepted: readonly AcceptedDifference[]): string[] {
  const problems: string[] = [];
  for (const [i, j] of align(expected.map((frame) => frame.label), actual.map((frame) => frame.label))) {
    if (j === undefined) {
      problems.push(`capture ${stream} ${i} (${expected[i!]!.label}) missing from the simulator`);
      continue;
    }
    if (i === undefined) {
      problems.push(`simulator ${stream} ${j} (${actual[j]!.label}) is not in the capture`);
      continue;
    }
    const want = expected[i]!;
    const got = actual[j]!;
    const rules = accepted.filter((rule) => applies(rule, capture, want.label));
    const keep = ([name]: [string, string]): boolean => !rules.some((rule) => rule.header.test(name));
    const where = `${stream} ${i} (${want.label})`;
    problems.push(...compareHeaders(`${where} envelope`, want.envelope.filter(keep), got.envelope.filter(keep)));
    problems.push(...compareHeaders(where, want.headers.filter(keep), got.headers.filter(keep)));
    if (want.body !== got.body && keep(['_body', ''])) problems.push(`${where}: body ${JSON.stringify(got.body)}, capture has ${JSON.stringify(want.body)}`);
  }
  return problems;
}
