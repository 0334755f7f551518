import { Kafka, logLevel } from 'kafkajs';
import type { Logger } from 'pino';
import type { Bus, BusSubscription } from '../../ports/bus.js';
import { joinKafkaGroup } from './kafkaGroupMember.js';
import { kafkaLogCreator } from './kafkaLogger.js';
import { createResilientProducer } from './kafkaProducer.js';
import { ensureKafkaTopic } from './kafkaTopics.js';

export interface KafkaBusOptions {
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
  /** Wait before the first redelivery of a message whose handler threw (doubles up to 30 s). */
  redeliveryFirstDelayMs?: number;
  /** How long a consumer that stopped heart-beating keeps its partitions (broker minimum 6 s). */
  sessionTimeoutMs?: number;
}

/**
 * The Bus on Apache Kafka through kafkajs: an idempotent producer that survives broker outages,
 * admin-created topics, and consumer-group members that commit only what their handler finished.
 */
export function createKafkaBus(options: KafkaBusOptions): Bus {
  const logger = options.logger.child({ component: 'kafka' });
  const kafka = new Kafka({
    brokers: [...options.brokers],
    clientId: options.clientId,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
    retry: { initialRetryTime: 200, maxRetryTime: 5_000, retries: 8 },
  });
  const producer = createResilientProducer(kafka, logger);
  const subscriptions = new Set<BusSubscription>();

  return {
    ensureTopic: (topic, topicOptions) => ensureKafkaTopic(kafka, topic, topicOptions),

    publish: (topic, messages) => (messages.length === 0 ? Promise.resolve() : producer.send(topic, messages)),

    async subscribe(subscribeOptions) {
      const member = await joinKafkaGroup(
        kafka,
        { redeliveryFirstDelayMs: options.redeliveryFirstDelayMs, sessionTimeoutMs: options.sessionTimeoutMs, ...subscribeOptions },
        logger,
      );
      const subscription: BusSubscription = {
        async stop() {
          subscriptions.delete(subscription);
          await member.stop();
        },
      };
      subscriptions.add(subscription);
      return subscription;
    },

    async close() {
      await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
      await producer.close();
    },
  };
}
