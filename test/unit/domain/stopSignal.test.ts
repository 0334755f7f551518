import { describe, expect, it } from 'vitest';
import { createStopSignal } from '../../../src/domain/stopSignal.js';
import { collected } from '../../support/forcedGc.js';

describe('stop signal', () => {
  it('answers the work, or undefined once a stop is requested, and every later race and sleep at once', async () => {
    const signal = createStopSignal();
    expect(await signal.race(Promise.resolve('done'))).toBe('done');
    await expect(signal.race(Promise.reject(new Error('failed')))).rejects.toThrow('failed');
    const waiting = signal.race(new Promise<string>(() => {}));
    const sleeping = signal.sleep(60_000);
    expect(signal.requested).toBe(false);
    signal.request();
    expect(await waiting).toBeUndefined();
    await sleeping;
    expect(signal.requested).toBe(true);
    expect(await signal.race(new Promise<string>(() => {}))).toBeUndefined();
    await signal.sleep(60_000);
  });

  it('keeps nothing of a race or a sleep that is over: a loop waiting on it for ever does not grow the heap', async () => {
    const signal = createStopSignal();
    const before = await raceOnce((work) => signal.race(work));
    expect(await collected(before)).toBe(true);
    const slept = new WeakRef(signal.sleep(1));
    await slept.deref();
    expect(await collected(slept)).toBe(true);
    // The signal is still alive and usable: a leak would be held by it.
    expect(signal.requested).toBe(false);
  });

  it('(the leak it replaces) Promise.race against a promise that stays pending keeps every race alive', async () => {
    const pending = new Promise<void>(() => {});
    const kept = await raceOnce((work) => Promise.race([work, pending]));
    expect(await collected(kept)).toBe(false);
    expect(pending).toBeDefined();
  });
});

/** Runs one race of already-resolved work and answers a weak reference to the promise it made. */
async function raceOnce(race: (work: Promise<string>) => Promise<unknown>): Promise<WeakRef<object>> {
  const raced = race(Promise.resolve('work'));
  await raced;
  return new WeakRef(raced);
}
