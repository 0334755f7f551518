import { WrongExpectedRevisionError, type EventMetadata, type EventStore, type ExpectedRevision, type NewEvent, type RecordedEvent } from '../ports/eventStore.js';

export interface StreamAppender {
  /** Queues an event; events of one turn of the event loop are appended as one atomic batch. */
  append(event: NewEvent): void;
  /** Resolves once everything queued so far is stored (rejects with the first append error). */
  flushed(): Promise<void>;
}

/**
 * The single writer of one stream (DESIGN.md: per-stream serial queue). It tracks the stream's
 * revision itself, so every append carries the exact expected revision: a conflict means a second
 * writer exists, which is surfaced, never retried blindly.
 */
export function createStreamAppender(
  store: EventStore,
  stream: string,
  options: {
    expected?: ExpectedRevision;
    metadata?: EventMetadata;
    onError?: (error: unknown) => void;
    /**
     * Events another writer may put in the stream beside this one (an outbound fax's notification
     * outcomes): a conflict caused only by such events is no rival writer, and the batch is
     * appended after them. Any other event still fails the append. Appends then wait for each
     * other, because a batch sent ahead could land in the wrong place.
     */
    tolerate?: (event: RecordedEvent) => boolean;
  } = {},
): StreamAppender {
  let expected: ExpectedRevision = options.expected ?? 'no_stream';
  let pending: NewEvent[] = [];
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown;

  function writeBatch(): void {
    const batch = pending;
    pending = [];
    // With a store that applies appends in call order, the next batch need not wait for this one
    // to commit: it goes out at once with the revision this one will leave (one commit sooner).
    if (store.appendsInCallOrder && !options.tolerate && (typeof expected === 'number' || expected === 'no_stream') && failure === undefined) {
      const written = store.append(stream, batch, expected).then(
        () => undefined,
        (error: unknown) => fail(error),
      );
      expected = (expected === 'no_stream' ? -1 : expected) + batch.length;
      chain = chain.then(() => written);
      return;
    }
    chain = chain.then(async () => {
      if (failure !== undefined) return;
      try {
        expected = await appendAfterTolerated(batch);
      } catch (error) {
        fail(error);
      }
    });
  }

  async function appendAfterTolerated(batch: NewEvent[]): Promise<number> {
    for (;;) {
      try {
        return (await store.append(stream, batch, expected)).nextExpectedRevision;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || !options.tolerate || typeof expected !== 'number') throw error;
        const later = await store.readStream(stream, { fromRevision: expected + 1 });
        if (later.length === 0 || !later.every(options.tolerate)) throw error;
        expected = later.at(-1)!.revision;
      }
    }
  }

  function fail(error: unknown): void {
    if (failure !== undefined) return;
    failure = error;
    options.onError?.(error);
  }

  return {
    append(event) {
      if (pending.length === 0) queueMicrotask(writeBatch);
      pending.push({ ...event, metadata: { ...options.metadata, ...event.metadata } });
    },
    async flushed() {
      await new Promise<void>((resolve) => queueMicrotask(resolve));
      await chain;
      if (failure !== undefined) throw failure;
    },
  };
}
