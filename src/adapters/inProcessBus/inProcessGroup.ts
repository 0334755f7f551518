import { deliverUntilHandled, type SubscribeToTopic } from '../../ports/bus.js';
import type { TopicLog } from './topicLog.js';
import { createWakeSignal, nextOfAny } from './wakeSignal.js';

interface Member {
  options: SubscribeToTopic;
  stopped: boolean;
  /** Deliveries to this member still running; leaving waits for them. */
  deliveries: Set<Promise<boolean>>;
}

/** A consumer group on one topic: committed offsets per partition and the members sharing them. */
export interface InProcessGroup {
  join(options: SubscribeToTopic): { leave(): Promise<void> };
  /** Next offset to consume per partition (what Kafka calls the committed offset). */
  committed(partition: number): number;
}

/**
 * Each partition has one worker loop that hands its messages, in order, to the member that owns
 * the partition now (partition i goes to member i mod n, in joining order) and commits an offset
 * only after the handler resolved. A member that leaves mid-message gives the message back; the
 * next owner gets it again, as in a Kafka rebalance.
 */
export function createInProcessGroup(log: TopicLog, fromBeginning: boolean, redeliveryFirstDelayMs: number): InProcessGroup {
  const offsets = Array.from({ length: log.partitionCount }, (_, partition) =>
    fromBeginning ? log.startOffset(partition) : log.endOffset(partition),
  );
  const members: Member[] = [];
  const membershipChanged = createWakeSignal();
  const workers = new Map<number, Promise<void>>();

  const ownerOf = (partition: number): Member | undefined => members[partition % members.length];

  async function work(partition: number): Promise<void> {
    while (members.length > 0) {
      const offset = Math.max(offsets[partition]!, log.startOffset(partition));
      const message = log.read(partition, offset);
      const owner = ownerOf(partition);
      if (!message || !owner) {
        await nextOfAny([log.appended, membershipChanged]);
        continue;
      }
      const delivery = deliverUntilHandled(message, owner.options, {
        active: () => !owner.stopped && ownerOf(partition) === owner,
        firstDelayMs: redeliveryFirstDelayMs,
      });
      owner.deliveries.add(delivery);
      const handled = await delivery.finally(() => owner.deliveries.delete(delivery));
      if (handled) offsets[partition] = offset + 1;
    }
  }

  function ensureWorkers(): void {
    for (let partition = 0; partition < log.partitionCount; partition++) {
      if (workers.has(partition)) continue;
      const worker = work(partition).finally(() => {
        workers.delete(partition);
        // A member may have joined while this loop was returning.
        if (members.length > 0) ensureWorkers();
      });
      workers.set(partition, worker);
    }
  }

  return {
    committed: (partition) => offsets[partition]!,
    join(options) {
      const member: Member = { options, stopped: false, deliveries: new Set() };
      members.push(member);
      membershipChanged.notify();
      ensureWorkers();
      return {
        async leave() {
          member.stopped = true;
          members.splice(members.indexOf(member), 1);
          membershipChanged.notify();
          await Promise.all(member.deliveries);
        },
      };
    },
  };
}
