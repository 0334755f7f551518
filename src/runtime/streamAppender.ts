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
    chain = chain.then(async () => {
      if (failure !== undefined) return;
      try {
        const result = await store.append(stream, batch, expected);
        expected = result.nextExpectedRevision;
      } catch (error) {
        failure = error;
        options.onError?.(error);
      }
    });
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
