import type { ExpectedRevision } from '../../ports/eventStore.js';

/** Whether a stream whose last revision is `actual` (undefined: no stream) is what the writer expected. */
export function expectedRevisionMatches(expected: ExpectedRevision, actual: number | undefined): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === undefined;
    case 'stream_exists':
      return actual !== undefined;
    default:
      return actual === expected;
  }
}
