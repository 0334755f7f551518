/** Lets any number of loops sleep until something changed: `wait()` resolves on the next `notify()`. */
export interface WakeSignal {
  wait(): Promise<void>;
  notify(): void;
}

export function createWakeSignal(): WakeSignal {
  let wake: () => void = () => {};
  let next = new Promise<void>((resolve) => (wake = resolve));
  return {
    wait: () => next,
    notify() {
      const resolve = wake;
      next = new Promise<void>((r) => (wake = r));
      resolve();
    },
  };
}
