import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCallAdmission, type CallAdmission } from '../../../src/adapters/esl/callAdmission.js';

interface FakeCall {
  id: number;
  destroyed: boolean;
}

const calls = (count: number): FakeCall[] => Array.from({ length: count }, (_, id) => ({ id, destroyed: false }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('call admission', () => {
  let admission: CallAdmission<FakeCall> | undefined;
  afterEach(() => admission?.stop());

  it('takes up a single call on an idle server at once', async () => {
    const admitted: number[] = [];
    admission = createCallAdmission<FakeCall>({ setupConcurrency: 8, maxCallsPerSecond: 150, maxLoad: 0.85, admit: (call) => admitted.push(call.id) });
    admission.offer({ id: 7, destroyed: false });
    await new Promise((resolve) => setImmediate(resolve));
    expect(admitted).toEqual([7]);
  });

  it('spreads a burst over time at the configured calls per second, in arrival order', async () => {
    const admittedAt: Array<[number, number]> = [];
    const started = performance.now();
    admission = createCallAdmission<FakeCall>({
      setupConcurrency: 100,
      maxCallsPerSecond: 100, // two per 20 ms sample
      maxLoad: 1,
      admit: (call) => {
        admittedAt.push([call.id, performance.now() - started]);
        admission!.finished();
      },
    });
    for (const call of calls(10)) admission.offer(call);
    while (admittedAt.length < 10) await sleep(10);
    expect(admittedAt.map(([id]) => id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Never a third call within one sample: any three admissions span at least most of 20 ms.
    for (let index = 2; index < admittedAt.length; index++) expect(admittedAt[index]![1] - admittedAt[index - 2]![1]).toBeGreaterThanOrEqual(15);
    // Ten calls at two per sample need at least four more samples after the first.
    expect(admittedAt.at(-1)![1]).toBeGreaterThanOrEqual(70);
  });

  it('never has more than setupConcurrency calls being set up, and skips calls that hung up while waiting', async () => {
    const inSetup = new Set<number>();
    let most = 0;
    const admitted: number[] = [];
    admission = createCallAdmission<FakeCall>({
      setupConcurrency: 3,
      maxCallsPerSecond: 100_000,
      maxLoad: 1,
      admit: (call) => {
        admitted.push(call.id);
        inSetup.add(call.id);
        most = Math.max(most, inSetup.size);
        setTimeout(() => {
          inSetup.delete(call.id);
          admission!.finished();
        }, 5);
      },
    });
    const waiting = calls(12);
    for (const call of waiting) admission.offer(call);
    waiting[5]!.destroyed = true;
    waiting[9]!.destroyed = true;
    while (admitted.length < 10) await sleep(5);
    await sleep(20);
    expect(most).toBe(3);
    expect(admitted).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 10, 11]);
  });

  it('admits one call per sample while the event loop is busier than maxLoad', async () => {
    const admitted: number[] = [];
    admission = createCallAdmission<FakeCall>({
      setupConcurrency: 1000,
      maxCallsPerSecond: 100_000,
      maxLoad: 0.5,
      admit: (call) => {
        admitted.push(call.id);
        admission!.finished();
      },
    });
    // Keep the loop ~90% busy for 300 ms: spin 9 ms, then yield 1 ms.
    const until = performance.now() + 300;
    await new Promise<void>((resolve) => {
      const spin = () => {
        const stop = performance.now() + 9;
        while (performance.now() < stop);
        if (performance.now() < until) setTimeout(spin, 1);
        else resolve();
      };
      spin();
      setTimeout(() => {
        for (const call of calls(1000)) admission!.offer(call);
      }, 40);
    });
    // 260 ms busy at one call per 20 ms sample: about 13, far from the 1000 offered.
    expect(admitted.length).toBeGreaterThan(0);
    expect(admitted.length).toBeLessThan(40);
  });

  it('keeps no timer while no call waits or is being set up, so an idle server is not woken (#17)', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setImmediate'] });
    try {
      admission = createCallAdmission<FakeCall>({ setupConcurrency: 8, maxCallsPerSecond: 100, maxLoad: 0.85, admit: () => undefined });
      expect(vi.getTimerCount()).toBe(0);
      admission.offer({ id: 1, destroyed: false });
      vi.advanceTimersToNextTimer(); // admits it
      admission.finished();
      expect(vi.getTimerCount()).toBeGreaterThan(0);
      vi.advanceTimersByTime(100); // a sample finds nothing waiting and nothing in set-up
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
