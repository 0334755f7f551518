import type { EventMetadata, EventStore, ExpectedRevision, NewEvent } from '../ports/eventStore.js';

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
  options: { expected?: ExpectedRevision; metadata?: EventMetadata; onError?: (error: unknown) => void } = {},
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
    if (store.appendsInCallOrder && (typeof expected === 'number' || expected === 'no_stream') && failure === undefined) {
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
        const result = await store.append(stream, batch, expected);
        expected = result.nextExpectedRevision;
      } catch (error) {
        fail(error);
      }
    });
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
