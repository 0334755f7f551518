/**
 * Simulated time: every FreeSWITCH/T.30 duration is given in real seconds and multiplied by
 * `timeScale` (0.001 turns a 60 s fax into 60 ms).
 */
export interface SimClock {
  readonly timeScale: number;
  /** Resolves after `seconds` of simulated time, or early (false) when `interrupt` settles first. */
  sleep(seconds: number, interrupt?: Promise<unknown>): Promise<boolean>;
}

export function createSimClock(timeScale: number): SimClock {
  if (!(timeScale > 0)) throw new Error(`timeScale must be > 0, got ${timeScale}`);
  return {
    timeScale,
    sleep(seconds, interrupt) {
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), Math.max(0, seconds * 1000 * timeScale));
        interrupt?.then(
          () => {
            clearTimeout(timer);
            resolve(false);
          },
          () => undefined,
        );
      });
    },
  };
}
