import { describe, expect, it } from 'vitest';
import { createWakeSignal, nextOfAny, type WakeSignal } from '../../../src/adapters/inProcessBus/wakeSignal.js';
import { collected } from '../../support/forcedGc.js';

describe('wake signal', () => {
  it('wakes every waiter at the next notify, and only at the next one', async () => {
    const signal = createWakeSignal();
    signal.notify();
    let woken = 0;
    const waits = [signal.wait(), signal.wait()].map((wait) => wait.then(() => woken++));
    await new Promise((resolve) => setImmediate(resolve));
    expect(woken).toBe(0);
    signal.notify();
    await Promise.all(waits);
    expect(woken).toBe(2);
  });

  it('nextOfAny wakes at the first of its signals and leaves nothing on the quiet one', async () => {
    const busy = createWakeSignal();
    const quiet = createWakeSignal();
    const kept = await wokenByFirst(busy, quiet);
    expect(await collected(kept)).toBe(true);
    // Still waits on the quiet one.
    const onQuiet = nextOfAny([busy, quiet]);
    quiet.notify();
    await onQuiet;
  });
});

/** Waits on both signals, wakes the first, and answers a weak reference to the promise the wait made. */
async function wokenByFirst(first: WakeSignal, second: WakeSignal): Promise<WeakRef<object>> {
  const next = nextOfAny([first, second]);
  first.notify();
  await next;
  return new WeakRef(next);
}
