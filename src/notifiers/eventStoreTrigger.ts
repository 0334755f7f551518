import type { Logger } from 'pino';
import { notificationTriggers } from '../domain/notifications/notificationPlan.js';
import { createStopSignal } from '../domain/stopSignal.js';
import type { EventStore, Subscription } from '../ports/eventStore.js';

export interface EventStoreTriggerDeps {
  eventStore: EventStore;
  process(faxId: string): Promise<void>;
  logger: Logger;
  /** Checkpoint name in the event store. */
  checkpointName?: string;
  /** Faxes worked on at once. Default 16. */
  concurrency?: number;
  /** Least time between checkpoint saves. Default 200 ms. */
  checkpointEveryMs?: number;
}

export interface EventStoreTrigger {
  /** Position up to which every triggering event has been fully handled (what a restart resumes after). */
  readonly checkpoint: number;
  stop(): Promise<void>;
}

/**
 * Drives the notifier in embedded mode, where the in-process bus keeps messages in memory only: a
 * checkpointed subscription of its own on the fax streams. Triggering events are worked on up to
 * `concurrency` at a time (so one slow webhook does not hold up every other fax), and the
 * checkpoint is the low-water mark: it never passes an event whose notifications are not yet
 * recorded, so a crash replays from there and the fax streams say what was already done.
 */
export async function startEventStoreTrigger(deps: EventStoreTriggerDeps): Promise<EventStoreTrigger> {
  const name = deps.checkpointName ?? 'notifiers';
  const logger = deps.logger.child({ component: 'notifierTrigger' });
  const concurrency = deps.concurrency ?? 16;
  let saved = (await deps.eventStore.checkpoints.load(name)) ?? 0;
  /** Positions handed out and not yet done, in order. */
  const inFlight = new Set<number>();
  let highest = saved;
  let slotFreed: (() => void) | undefined;
  let saving: Promise<void> | undefined;
  let stopped = false;
  /** Set when stop() begins: no new fax is taken, work in progress finishes (or fails) and is not retried. */
  let stopping = false;
  const stopRequested = createStopSignal();
  const working = new Set<Promise<void>>();

  const lowWaterMark = () => (inFlight.size === 0 ? highest : Math.min(...inFlight) - 1);

  function saveSoon(): void {
    if (saving || stopped) return;
    saving = (async () => {
      // Not unref'd: stop() awaits this save, and an unref'd timer alone would let the process exit mid-await.
      await new Promise((resolve) => setTimeout(resolve, deps.checkpointEveryMs ?? 200));
      await saveNow();
    })().finally(() => (saving = undefined));
  }

  async function saveNow(): Promise<void> {
    const mark = lowWaterMark();
    if (mark <= saved) return;
    try {
      await deps.eventStore.checkpoints.save(name, mark);
      saved = mark;
    } catch (error) {
      logger.warn({ err: error }, 'saving the notifier checkpoint failed; the next one will');
    }
  }

  async function work(faxId: string, position: number): Promise<void> {
    for (let failures = 0; ; failures++) {
      try {
        await deps.process(faxId);
        break;
      } catch (error) {
        // Stopping (a drain, or the notifiers' lease lost): the position stays unacknowledged, so
        // whoever runs the notifiers next replays it and the fax stream says what is left.
        if (stopping) return;
        if (failures === 0 || failures % 10 === 0) logger.warn({ err: error, faxId, failures: failures + 1 }, 'notifier failed; trying again');
        await stopRequested.sleep(Math.min(30_000, 200 * 2 ** failures));
        if (stopping) return;
      }
    }
    if (stopped) return;
    inFlight.delete(position);
    slotFreed?.();
    saveSoon();
  }

  const subscription: Subscription = deps.eventStore.subscribeToAll({
    after: saved,
    streamPrefixes: ['fax-'],
    handler: async (event) => {
      // Once stopping, nothing more counts as seen: the checkpoint must not pass a fax not worked on.
      if (stopping) return;
      if (!notificationTriggers.has(event.type)) {
        highest = event.position;
        return saveSoon();
      }
      while (inFlight.size >= concurrency && !stopping) await new Promise<void>((resolve) => (slotFreed = resolve));
      if (stopping) return;
      highest = event.position;
      inFlight.add(event.position);
      const job = work(event.stream.slice('fax-'.length), event.position);
      working.add(job);
      void job.finally(() => working.delete(job));
    },
    onError: (error) => logger.error({ err: error }, 'notifier subscription stopped: notifications wait for a restart'),
    onCaughtUp: () => logger.info({ checkpoint: saved }, 'notifier caught up'),
  });
  logger.info({ after: saved }, 'notifier following the event store');

  return {
    get checkpoint() {
      return saved;
    },
    async stop() {
      stopping = true;
      stopRequested.request();
      slotFreed?.();
      const unsubscribed = subscription.stop();
      // Let the work in progress record its outcomes (bounded), then keep what is safe.
      await Promise.race([Promise.all(working), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
      stopped = true;
      await unsubscribed;
      await saving;
      await saveNow();
    },
  };
}
