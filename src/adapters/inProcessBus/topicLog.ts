import type { BusMessage, ReceivedMessage } from '../../ports/bus.js';
import { createWakeSignal, type WakeSignal } from './wakeSignal.js';

interface Partition {
  /** Offset of `messages[0]`; grows as consumed messages are trimmed. */
  start: number;
  messages: ReceivedMessage[];
}

/** One topic's partitions in memory, with Kafka's offsets and key → partition rule. */
export interface TopicLog {
  readonly name: string;
  readonly partitionCount: number;
  append(messages: readonly BusMessage[]): void;
  /** The message at `offset`, or undefined when none is there yet. */
  read(partition: number, offset: number): ReceivedMessage | undefined;
  startOffset(partition: number): number;
  endOffset(partition: number): number;
  /** Drops messages below `offset`, which every group has consumed. */
  trim(partition: number, offset: number): void;
  readonly appended: WakeSignal;
}

export function createTopicLog(name: string, partitionCount: number): TopicLog {
  const partitions: Partition[] = Array.from({ length: partitionCount }, () => ({ start: 0, messages: [] }));
  const appended = createWakeSignal();
  let roundRobin = 0;

  const partitionOf = (key: string | null) => (key === null ? roundRobin++ % partitionCount : hashKey(key) % partitionCount);

  return {
    name,
    partitionCount,
    appended,
    append(messages) {
      const timestamp = Date.now();
      for (const message of messages) {
        const partitionIndex = partitionOf(message.key);
        const partition = partitions[partitionIndex]!;
        partition.messages.push({
          topic: name,
          partition: partitionIndex,
          offset: String(partition.start + partition.messages.length),
          key: message.key,
          value: Buffer.from(message.value),
          headers: { ...message.headers },
          timestamp,
        });
      }
      appended.notify();
    },
    read(partition, offset) {
      const { start, messages } = partitions[partition]!;
      return offset >= start ? messages[offset - start] : undefined;
    },
    startOffset: (partition) => partitions[partition]!.start,
    endOffset: (partition) => partitions[partition]!.start + partitions[partition]!.messages.length,
    trim(partition, offset) {
      const target = partitions[partition]!;
      const count = Math.min(offset - target.start, target.messages.length);
      // Splicing a large array per message would be quadratic; trim in chunks.
      if (count <= 0 || (count < 256 && count < target.messages.length)) return;
      target.messages.splice(0, count);
      target.start += count;
    },
  };
}

/** FNV-1a: cheap and stable, which is all a key → partition mapping needs in one process. */
function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
