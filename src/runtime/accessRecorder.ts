import type { Logger } from 'pino';
import { emptyChain, linkEntries, type ChainHead } from '../domain/access/accessChain.js';
import { accessStream, faxAccessedType, type AccessEntry, type AccessRead } from '../domain/access/accessEvents.js';
import { entryOf, newIdBase, type ReadUnderWay } from '../domain/access/pendingRead.js';
import type { AccessJournal, PendingRead, UnlinkedAccessEntry } from '../ports/accessJournal.js';
import type { Clock } from '../ports/clock.js';
import { WrongExpectedRevisionError, type EventStore } from '../ports/eventStore.js';

/** Takes access entries from read routes; one journal line is all a read pays on its own turn. */
export interface AccessRecorder {
  /** Queues one read; it is appended to its trail with the next batch. */
  record(read: AccessRead): void;
  /**
   * Journals a read that has started and may still fail, so that its journal line is written while
   * the bytes are being read instead of after (README: Access trail). Until `done()` it is in no
   * batch; `failed()` withdraws it.
   */
  begin(read: AccessRead): ReadUnderWay;
  /** Appends everything queued so far (resolves once stored, or once the store refused it and it is queued again). */
  flush(): Promise<void>;
  /** Entries queued and not yet stored. */
  readonly pending: number;
  /** Stops the timer and appends what is queued: the drain path calls it after the last request finished. */
  close(): Promise<void>;
}

export interface AccessRecorderOptions {
  eventStore: EventStore;
  clock: Clock;
  logger: Logger;
  /** Longest time an entry waits in memory before its batch is appended. Default 200 ms. */
  flushEveryMs?: number;
  /** Entries that trigger an append at once. Default 500. */
  maxBatch?: number;
  /** Entries kept while the store is unreachable; beyond, the oldest are dropped (and logged). Default 100,000. */
  maxPending?: number;
  /**
   * Where each entry is also written as it is recorded, so a killed process loses none: what a
   * previous process left there and the trail lacks (`stored` says which it has) is appended first.
   */
  journal?: { journal: AccessJournal; stored(entryId: string): boolean };
}

/** Re-reads of the head after a conflict (another instance appended to the same trail) before the batch waits for the next flush. */
const conflictRetries = 5;

/**
 * The access trail's writer. Routes push entries in memory; every `flushEveryMs` (or `maxBatch`
 * entries) they are appended, one append per trail stream, each entry linked to the one before it
 * (see accessChain.ts). Each stream is appended at its exact expected revision: several instances
 * write one trail, and a conflict means another instance appended first, so the head is read again
 * and the batch re-linked onto it (never written blindly). One chain per tenant, whatever the number of instances.
 */
export function createAccessRecorder(options: AccessRecorderOptions): AccessRecorder {
  const { eventStore, clock, logger } = options;
  const flushEveryMs = options.flushEveryMs ?? 200;
  const maxBatch = options.maxBatch ?? 500;
  const maxPending = options.maxPending ?? 100_000;
  const heads = new Map<string, ChainHead>();
  /** Reads of this process wait as taken (their entries are made with their batch); a stopped process's as entries. */
  let queue: Array<PendingRead | UnlinkedAccessEntry> = [];
  /** Reads begun and not yet done or failed: journaled, in no batch. */
  const underWay = new Set<PendingRead>();
  const idBase = newIdBase();
  let serial = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let closed = false;

  function schedule(): void {
    if (closed) return;
    if (queue.length >= maxBatch) {
      if (timer) clearTimeout(timer);
      timer = undefined;
      void flush();
    } else if (!timer) {
      timer = setTimeout(() => {
        timer = undefined;
        void flush();
      }, flushEveryMs);
      // The trail never keeps a process alive: a stop drains it through close().
      timer.unref();
    }
  }

  /** Flushes one after another: a stream's batches are linked in the order they were taken. */
  function flush(): Promise<void> {
    running = running.then(writeQueued, writeQueued);
    return running;
  }

  async function writeQueued(): Promise<void> {
    const batch = queue.map((item) => ('read' in item ? entryOf(item) : item));
    queue = [];
    if (batch.length === 0) return;
    journaled(() => {
      journal?.seal();
      // The sealed parts go once this batch is stored, which reads under way are not in: their lines go on in the next part.
      for (const pending of underWay) journal?.write(pending);
    });
    const byStream = new Map<string, typeof batch>();
    for (const entry of batch) {
      const stream = accessStream(entry.tenantId);
      const list = byStream.get(stream);
      if (list) list.push(entry);
      else byStream.set(stream, [entry]);
    }
    const failed: UnlinkedAccessEntry[] = [];
    await Promise.all(
      [...byStream].map(async ([stream, entries]) => {
        try {
          await appendLinked(stream, entries);
        } catch (error) {
          heads.delete(stream);
          failed.push(...entries);
          logger.warn({ err: error, stream, entries: entries.length }, 'access trail: append failed; the entries are kept for the next attempt');
        }
      }),
    );
    if (failed.length > 0) requeue(failed);
    // Every entry of the sealed parts is stored now (those of earlier failures were in this batch).
    else journaled(() => journal?.settle());
  }

  /** A journal that fails costs the protection against a kill, never an entry or a read. */
  function journaled(step: () => void): void {
    try {
      step();
    } catch (error) {
      if (!journalFailed) logger.error({ err: error }, 'access trail: the journal cannot be written; a killed process would lose the last batch');
      journalFailed = true;
    }
  }

  async function appendLinked(stream: string, entries: UnlinkedAccessEntry[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const head = heads.get(stream) ?? (await readHead(stream));
      const { linked, head: next } = linkEntries(head, entries);
      try {
        await eventStore.append(
          stream,
          linked.map((data) => ({ id: data.entryId, type: faxAccessedType, data })),
          head.revision === undefined ? 'no_stream' : head.revision,
        );
        heads.set(stream, next);
        return;
      } catch (error) {
        heads.delete(stream);
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= conflictRetries) throw error;
      }
    }
  }

  async function readHead(stream: string): Promise<ChainHead> {
    const [last] = await eventStore.readStream(stream, { direction: 'backwards', maxCount: 1 });
    if (!last) return emptyChain;
    const hash = (last.data as Partial<AccessEntry>).hash;
    // A last entry without a hash (tampered) still gets successors: they link to what is there, and the check names the broken one.
    return { revision: last.revision, hash: typeof hash === 'string' ? hash : '' };
  }

  function requeue(entries: UnlinkedAccessEntry[]): void {
    const kept = [...entries, ...queue];
    const dropped = Math.max(0, kept.length - maxPending);
    if (dropped > 0) logger.error({ dropped }, 'access trail: the event store has been unreachable too long; the oldest unrecorded reads are dropped');
    queue = kept.slice(dropped);
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, Math.max(flushEveryMs, 1000));
    timer.unref();
  }

  let journalFailed = false;
  const journal = options.journal?.journal;
  if (options.journal) {
    const { stored } = options.journal;
    journaled(() => {
      const left = journal!.leftovers().filter((entry) => !stored(entry.entryId));
      if (left.length === 0) return journal!.settle();
      logger.warn({ entries: left.length }, 'access trail: appending the reads a stopped process had not stored yet');
      queue.push(...left);
      schedule();
    });
  }

  function journaledRead(read: AccessRead): PendingRead {
    const pending: PendingRead = { idBase, serial: ++serial, atMs: clock.now().getTime(), read };
    if (journal) journaled(() => journal.write(pending));
    return pending;
  }

  return {
    record(read) {
      queue.push(journaledRead(read));
      schedule();
    },
    begin(read) {
      const pending = journaledRead(read);
      underWay.add(pending);
      return {
        done() {
          if (!underWay.delete(pending)) return;
          queue.push(pending);
          schedule();
        },
        failed() {
          if (!underWay.delete(pending)) return;
          if (journal) journaled(() => journal.withdraw(pending));
        },
      };
    },
    flush,
    get pending() {
      return queue.length;
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await flush();
      journaled(() => journal?.close());
      if (queue.length > 0) logger.error({ entries: queue.length }, 'access trail: entries could not be stored before stopping');
    },
  };
}
