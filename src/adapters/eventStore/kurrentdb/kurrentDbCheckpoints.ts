import type { AppendResult, CheckpointStore, ExpectedRevision, NewEvent, RecordedEvent } from '../../../ports/eventStore.js';

type Append = (stream: string, events: readonly NewEvent[], expected: ExpectedRevision) => Promise<AppendResult>;
type ReadLast = (stream: string) => Promise<RecordedEvent[]>;

/** Each subscriber's checkpoint is the latest `CheckpointStored` event in `checkpoint-<name>`. */
export function createKurrentDbCheckpoints(append: Append, readLast: ReadLast): CheckpointStore {
  const stream = (name: string) => `checkpoint-${name}`;
  return {
    async load(name) {
      const [last] = await readLast(stream(name));
      return (last?.data as { position?: number } | undefined)?.position;
    },
    async save(name, position) {
      await append(stream(name), [{ type: 'CheckpointStored', data: { position } }], 'any');
    },
  };
}
