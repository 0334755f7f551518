import { performance } from 'node:perf_hooks';

export interface CallAdmissionOptions<T> {
  /** Calls being set up at once, at most. */
  setupConcurrency: number;
  /** New calls taken up per second, at most, spread evenly (like FreeSWITCH's sessions-per-second). */
  maxCallsPerSecond: number;
  /** Event-loop busy fraction (0–1) above which new calls are slowed down further. */
  maxLoad: number;
  /** How often the event loop's load is sampled; under load, one call is admitted per sample. */
  sampleMs?: number;
  /** Hands a call over to be set up; `finished` must be called once its set-up is over. */
  admit(call: T): void;
  /** A waiting call's admission was put off to the next sample (metrics). */
  onDeferred?(reason: 'rate' | 'load'): void;
}

export interface CallAdmission<T extends { destroyed: boolean }> {
  /** Queues a new call for admission. */
  offer(call: T): void;
  /** One admitted call's set-up is over (done or failed). */
  finished(): void;
  /** Removes and returns every call still waiting. */
  takeWaiting(): T[];
  stop(): void;
}

/**
 * Decides when a new call's socket is taken up. A burst of hundreds of new calls would otherwise
 * fill every event-loop turn with set-up work while the faxes already under way wait for their
 * page and result events to be handled and recorded; a new call can wait a few milliseconds
 * (FreeSWITCH holds it until we send `connect`). So:
 * - at most `setupConcurrency` calls are being set up at once;
 * - at most one waiting call is admitted per turn of the event loop;
 * - at most `maxCallsPerSecond`, spread over the second in samples of 20 ms: calls admitted
 *   together would run their faxes side by side and finish together, so their results would all
 *   queue behind each other;
 * - when the loop was busier than `maxLoad` over the last sample, only one call is admitted per
 *   sample (50 a second): calls keep being admitted, but the faxes in progress keep the headroom
 *   that bounds how long their events wait. Latency grows without bound as a server approaches
 *   100% busy; this keeps it out of that corner.
 */
export function createCallAdmission<T extends { destroyed: boolean }>(options: CallAdmissionOptions<T>): CallAdmission<T> {
  const waiting: T[] = [];
  let settingUp = 0;
  let scheduled = false;
  const sampleMs = options.sampleMs ?? 20;
  const perSample = Math.max(1, Math.round((options.maxCallsPerSecond * sampleMs) / 1000));
  let admittedThisSample = 0;
  let load = 0;
  let lastSample = performance.eventLoopUtilization();
  let lastSampleAt = performance.now();
  // Sampled only while calls wait or are being set up: an idle server is not woken 50 times a
  // second. A sample taken after a pause measures the load over the whole pause.
  let sampler: NodeJS.Timeout | undefined;
  let stopped = false;
  function sample(): void {
    const now = performance.eventLoopUtilization();
    load = performance.eventLoopUtilization(now, lastSample).utilization;
    lastSample = now;
    lastSampleAt = performance.now();
    admittedThisSample = 0;
  }
  function startSampling(): void {
    if (sampler || stopped) return;
    if (performance.now() - lastSampleAt >= sampleMs) sample();
    sampler = setInterval(() => {
      sample();
      if (waiting.length === 0 && settingUp === 0) {
        clearInterval(sampler);
        sampler = undefined;
      }
      scheduleNext();
    }, sampleMs);
    sampler.unref();
  }

  function scheduleNext(): void {
    if (scheduled || settingUp >= options.setupConcurrency || waiting.length === 0) return;
    scheduled = true;
    setImmediate(admitOne);
  }

  function admitOne(): void {
    scheduled = false;
    while (waiting[0]?.destroyed) waiting.shift();
    if (waiting.length === 0 || settingUp >= options.setupConcurrency) return;
    // Over this sample's share, or busy and one admitted already: the next sample schedules us again.
    if (admittedThisSample >= (load > options.maxLoad ? 1 : perSample)) {
      options.onDeferred?.(load > options.maxLoad ? 'load' : 'rate');
      return;
    }
    admittedThisSample += 1;
    settingUp += 1;
    options.admit(waiting.shift()!);
    scheduleNext();
  }

  return {
    offer(call) {
      waiting.push(call);
      startSampling();
      scheduleNext();
    },
    finished() {
      settingUp -= 1;
      scheduleNext();
    },
    takeWaiting: () => waiting.splice(0),
    stop: () => {
      stopped = true;
      clearInterval(sampler);
      sampler = undefined;
    },
  };
}
