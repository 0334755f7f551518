import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { afterAll, expect, it } from 'vitest';
import { createKafkaBus } from '../../../src/adapters/kafka/kafkaBus.js';
import { testKafkaBrokers } from '../../support/kafkaBroker.js';

const dayMs = 86_400_000;
const bus = createKafkaBus({ brokers: testKafkaBrokers(), clientId: 'faxengine-topic-retention-test', logger: pino({ level: 'silent' }) });
const admin = new Kafka({ brokers: testKafkaBrokers(), clientId: 'topic-retention-admin', logLevel: logLevel.NOTHING }).admin();
afterAll(async () => {
  await admin.disconnect();
  await bus.close();
});

/** The topic's own settings (those set on it, not the broker's defaults), by name. */
async function topicSettings(topic: string): Promise<Record<string, string>> {
  const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
  return Object.fromEntries(described.resources[0]!.configEntries.filter((entry) => entry.configSource === 1).map((entry) => [entry.configName, entry.configValue]));
}

it("keeps the topic's events no longer than the operator's longest retention: set on a new topic, changed on an existing one with its other settings kept", { timeout: 60_000 }, async () => {
  await admin.connect();
  const topic = `retention-${randomUUID()}`;
  await bus.ensureTopic(topic, { partitions: 1, retentionMs: 30 * dayMs });
  expect(await topicSettings(topic)).toMatchObject({ 'retention.ms': String(30 * dayMs), 'segment.ms': String(dayMs) });

  // An operator's own setting on the topic survives faxengine changing the retention.
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: String(30 * dayMs) }, { name: 'segment.ms', value: String(dayMs) }, { name: 'max.message.bytes', value: '2000000' }] }] });
  await bus.ensureTopic(topic, { partitions: 1, retentionMs: 7 * dayMs });
  expect(await topicSettings(topic)).toMatchObject({ 'retention.ms': String(7 * dayMs), 'segment.ms': String(dayMs), 'max.message.bytes': '2000000' });

  // Without a retention the topic is left as it is.
  await bus.ensureTopic(topic, { partitions: 1 });
  expect(await topicSettings(topic)).toMatchObject({ 'retention.ms': String(7 * dayMs) });
});
