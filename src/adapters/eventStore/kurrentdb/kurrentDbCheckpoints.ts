import type { AppendResult, CheckpointStore, ExpectedRevision, NewEvent, RecordedEvent } from '../../../ports/eventStore.js';

type Append = (stream: string, events: readonly NewEvent[], expected: ExpectedRevision) => Promise<AppendResult>;
type ReadLast = (stream: string) => Promise<RecordedEvent[]>;
/** Sets the stream's `$maxCount` to `maxCount` unless its metadata says so already. */
export type EnsureMaxCount = (stream: string, maxCount: number) => Promise<void>;

/**
 * Each subscriber's checkpoint is the latest `CheckpointStored` event in `checkpoint-<name>`. The
 * stream keeps only that one: its metadata sets `$maxCount: 1` (KurrentDB stream metadata, "Max
 * count": older events are no longer readable and a scavenge reclaims them), set once per stream
 * and process before the first save, so a checkpoint saved after every event does not grow the
 * store for ever. Streams written before that rule get it at their next save.
 */
export function createKurrentDbCheckpoints(append: Append, readLast: ReadLast, ensureMaxCount: EnsureMaxCount): CheckpointStore {
  const stream = (name: string) => `checkpoint-${name}`;
  const bounded = new Map<string, Promise<void>>();
  const boundOnce = (name: string) => {
    let pending = bounded.get(name);
    if (!pending) {
      pending = ensureMaxCount(stream(name), 1);
      bounded.set(name, pending);
      // A failure is tried again at the next save.
      pending.catch(() => bounded.delete(name));
    }
    return pending;
  };
  return {
    async load(name) {
      const [last] = await readLast(stream(name));
      return (last?.data as { position?: number } | undefined)?.position;
    },
    async save(name, position) {
      await boundOnce(name);
      await append(stream(name), [{ type: 'CheckpointStored', data: { position } }], 'any');
    },
  };
}
