/**
 * "Stop" for a loop that waits on other things, without growing the heap on every wait.
 *
 * A loop that does `await Promise.race([work, stopRequested])` with one long-lived `stopRequested`
 * promise leaks: a promise keeps a reaction for every race it was part of until it settles, and
 * `stopRequested` settles only at the stop. A subscription waiting for the next append that way
 * kept one reaction (with its promise and closure) per wake-up: about 60 per fax on a busy server,
 * never freed. Here a wait registers a listener that is removed as soon as the wait is over.
 */
export interface StopSignal {
  readonly requested: boolean;
  /** Ends every wait in progress (they resolve `undefined`) and every later one at once. */
  request(): void;
  /** What `work` resolves to, or `undefined` once a stop is requested, whichever comes first (a rejection of `work` rejects). */
  race<T>(work: Promise<T>): Promise<T | undefined>;
  /** Resolves after `ms`, or at once when a stop is requested. The timer does not keep the process alive. */
  sleep(ms: number): Promise<void>;
}

export function createStopSignal(): StopSignal {
  const listeners = new Set<() => void>();
  let requested = false;
  return {
    get requested() {
      return requested;
    },
    request() {
      requested = true;
      for (const listener of listeners) listener();
      listeners.clear();
    },
    race<T>(work: Promise<T>): Promise<T | undefined> {
      if (requested) return Promise.resolve(undefined);
      return new Promise<T | undefined>((resolve, reject) => {
        const onStop = () => resolve(undefined);
        listeners.add(onStop);
        work.then(
          (value) => {
            listeners.delete(onStop);
            resolve(value);
          },
          (error: unknown) => {
            listeners.delete(onStop);
            reject(error);
          },
        );
      });
    },
    sleep(ms) {
      if (requested) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const onStop = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          listeners.delete(onStop);
          resolve();
        }, ms);
        timer.unref();
        listeners.add(onStop);
      });
    },
  };
}
