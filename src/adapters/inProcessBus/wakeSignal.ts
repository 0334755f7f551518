/** Lets any number of loops sleep until something changed: `wait()` resolves on the next `notify()`. */
export interface WakeSignal {
  wait(): Promise<void>;
  notify(): void;
  /** Calls `listener` once, at the next `notify()`; the function returned takes it back before that. */
  listen(listener: () => void): () => void;
}

export function createWakeSignal(): WakeSignal {
  let listeners = new Set<() => void>();
  const signal: WakeSignal = {
    wait: () => new Promise<void>((resolve) => signal.listen(resolve)),
    notify() {
      const woken = listeners;
      listeners = new Set();
      for (const listener of woken) listener();
    },
    listen(listener) {
      const registered = listeners;
      registered.add(listener);
      return () => registered.delete(listener);
    },
  };
  return signal;
}

/**
 * Resolves at the next `notify()` of any of `signals`, leaving nothing registered on the others.
 * (`Promise.race` of their `wait()`s would: a signal that stays quiet, such as a group's membership,
 * would keep one waiter for every message delivered meanwhile.)
 */
export function nextOfAny(signals: readonly WakeSignal[]): Promise<void> {
  return new Promise<void>((resolve) => {
    const stopListening: Array<() => void> = [];
    const woken = () => {
      for (const stop of stopListening) stop();
      resolve();
    };
    for (const signal of signals) stopListening.push(signal.listen(woken));
  });
}
