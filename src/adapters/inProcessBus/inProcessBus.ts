import type { Bus, BusSubscription } from '../../ports/bus.js';
import { createInProcessGroup, type InProcessGroup } from './inProcessGroup.js';
import { createTopicLog, type TopicLog } from './topicLog.js';

export interface InProcessBusOptions {
  /** Wait before the first redelivery of a message whose handler threw (doubles up to 30 s). Default 100 ms. */
  redeliveryFirstDelayMs?: number;
  /**
   * Messages kept per partition for groups that do not exist yet. Default 1,000: in one process the
   * groups join at start-up, and without Kafka faxengine's own notifiers follow the event store, so
   * what is kept here is mostly never read (10,000 used to hold ~40 MB of a busy server's heap).
   */
  retainPerPartition?: number;
}

/**
 * The embedded Bus, used when no Kafka brokers are configured: partitions, per-key order, consumer
 * groups and redelivery as on Kafka, in memory. Nothing survives the process; the publisher's
 * checkpoint in the event store is what a restart resumes from.
 */
export function createInProcessBus(options: InProcessBusOptions = {}): Bus {
  const topics = new Map<string, TopicLog>();
  const groups = new Map<string, InProcessGroup>();
  const subscriptions = new Set<BusSubscription>();
  const retain = options.retainPerPartition ?? 1_000;
  let closed = false;

  function topicNamed(topic: string): TopicLog {
    if (closed) throw new Error('the in-process bus is closed');
    const log = topics.get(topic);
    if (!log) throw new Error(`topic ${topic} does not exist; create it with ensureTopic`);
    return log;
  }

  /** Drops what every group has consumed; without groups, keeps the newest `retain` per partition. */
  function trim(log: TopicLog): void {
    const readers = [...groups].filter(([key]) => key.startsWith(`${log.name}\u0000`)).map(([, group]) => group);
    for (let partition = 0; partition < log.partitionCount; partition++) {
      const keepFrom =
        readers.length > 0 ? Math.min(...readers.map((group) => group.committed(partition))) : log.endOffset(partition) - retain;
      log.trim(partition, keepFrom);
    }
  }

  return {
    async ensureTopic(topic, topicOptions = {}) {
      if (closed) throw new Error('the in-process bus is closed');
      if (!topics.has(topic)) topics.set(topic, createTopicLog(topic, topicOptions.partitions ?? 3));
    },

    async publish(topic, messages) {
      const log = topicNamed(topic);
      log.append(messages);
      trim(log);
    },

    async subscribe(subscribeOptions) {
      const log = topicNamed(subscribeOptions.topic);
      const key = `${log.name}\u0000${subscribeOptions.group}`;
      let group = groups.get(key);
      if (!group) {
        group = createInProcessGroup(log, subscribeOptions.fromBeginning ?? false, options.redeliveryFirstDelayMs ?? 100);
        groups.set(key, group);
      }
      const membership = group.join(subscribeOptions);
      const subscription: BusSubscription = {
        async stop() {
          if (!subscriptions.delete(subscription)) return;
          await membership.leave();
        },
      };
      subscriptions.add(subscription);
      return subscription;
    },

    hasConsumers(topic) {
      for (const key of groups.keys()) if (key.startsWith(`${topic}\u0000`)) return true;
      return false;
    },

    async close() {
      closed = true;
      await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
    },
  };
}
