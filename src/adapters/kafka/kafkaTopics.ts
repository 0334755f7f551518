import type { Kafka } from 'kafkajs';
import type { TopicOptions } from '../../ports/bus.js';

/**
 * Creates the topic unless it exists, and waits until its partitions have leaders. Another
 * instance creating it at the same moment is fine: createTopics answers false for an existing topic.
 */
export async function ensureKafkaTopic(kafka: Kafka, topic: string, options: TopicOptions = {}): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (existing.includes(topic)) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: options.partitions ?? 3, replicationFactor: options.replicationFactor ?? 1 }],
    });
  } finally {
    await admin.disconnect();
  }
}
