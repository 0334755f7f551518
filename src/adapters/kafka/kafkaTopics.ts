import kafkajs, { type Kafka } from 'kafkajs';
import type { TopicOptions } from '../../ports/bus.js';

/** Kafka's configSource of a setting made on the topic itself (DYNAMIC_TOPIC_CONFIG). */
const topicOwnSetting = 1;
// kafkajs is CommonJS: Node's ESM loader does not see ConfigResourceTypes as a named export.
const { ConfigResourceTypes } = kafkajs;
const dayMs = 86_400_000;

/**
 * Creates the topic unless it exists, and waits until its partitions have leaders. Another
 * instance creating it at the same moment is fine: createTopics answers false for an existing topic.
 * With `retentionMs`, the topic's retention is set (on an existing topic too).
 */
export async function ensureKafkaTopic(kafka: Kafka, topic: string, options: TopicOptions = {}): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const retention = retentionEntries(options.retentionMs);
    const existing = await admin.listTopics();
    if (existing.includes(topic)) {
      if (retention.length > 0) await setTopicSettings(admin, topic, retention);
      return;
    }
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: options.partitions ?? 3, replicationFactor: options.replicationFactor ?? 1, configEntries: retention }],
    });
  } finally {
    await admin.disconnect();
  }
}

/** retention.ms, and segments no longer than a day: Kafka deletes whole segments, so a week-long one would outlive the retention by up to a week. */
function retentionEntries(retentionMs: number | undefined): { name: string; value: string }[] {
  if (retentionMs === undefined) return [];
  return [
    { name: 'retention.ms', value: String(retentionMs) },
    { name: 'segment.ms', value: String(Math.min(dayMs, retentionMs)) },
  ];
}

/**
 * alterConfigs replaces every setting made on the topic with those it is given: the topic's other
 * own settings (an operator's) are sent along unchanged.
 */
async function setTopicSettings(admin: ReturnType<Kafka['admin']>, topic: string, entries: { name: string; value: string }[]): Promise<void> {
  const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
  const own = (described.resources[0]?.configEntries ?? []).filter((entry) => entry.configSource === topicOwnSetting && !entry.isSensitive);
  const current = new Map(own.map((entry) => [entry.configName, entry.configValue]));
  if (entries.every((entry) => current.get(entry.name) === entry.value)) return;
  for (const entry of entries) current.set(entry.name, entry.value);
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [...current].map(([name, value]) => ({ name, value })) }] });
}
