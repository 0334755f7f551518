import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { PublishRejectedError, type BusMessage } from '../../ports/bus.js';

/** Broker answers about the messages themselves: sending them again as they are cannot succeed. */
const refusals = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'INVALID_TIMESTAMP', 'CORRUPT_MESSAGE']);

export interface ResilientProducer {
  send(topic: string, messages: readonly BusMessage[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * An idempotent producer that is thrown away after any failed send and created afresh on the next
 * one. kafkajs keeps retrying connection errors by itself, but once a send has failed its producer
 * may hold a stale connection, producer id or sequence numbers; a new producer (with a new producer
 * id) always works once the broker is back. A message of a failed send may be stored twice: the bus
 * is at-least-once.
 */
export function createResilientProducer(kafka: Kafka, logger: Logger): ResilientProducer {
  let current: Promise<Producer> | undefined;
  let currentProducer: Producer | undefined;
  let closed = false;

  function producer(): Promise<Producer> {
    if (!current) {
      const created = kafka.producer({
        idempotent: true,
        // kafkajs requires at most 5 in flight for idempotence; 1 keeps per-partition order trivially,
        // and the publisher sends one batch at a time anyway.
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // murmur2 on the key, as the Java client does: a key lands on the same partition whoever publishes it.
        createPartitioner: Partitioners.DefaultPartitioner,
        // Unlimited retries (the idempotent default) but never more than 5 s apart, so a send
        // resumes within seconds of the broker's return.
        retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 5_000 },
      });
      currentProducer = created;
      current = created.connect().then(() => created);
      current.catch(() => discard(created));
    }
    return current;
  }

  function discard(failed: Producer): void {
    if (currentProducer === failed) {
      current = undefined;
      currentProducer = undefined;
    }
    failed.disconnect().catch((error: unknown) => logger.debug({ err: error }, 'disconnecting a failed producer'));
  }

  return {
    async send(topic, messages) {
      if (closed) throw new Error('the Kafka bus is closed');
      const active = await producer();
      try {
        await active.sendBatch({ topicMessages: [{ topic, messages: messages.map(toKafkaMessage) }] });
      } catch (error) {
        logger.warn({ err: error, topic }, 'Kafka publish failed; the next publish uses a new producer');
        discard(active);
        const type = (error as { type?: unknown } | null)?.type;
        if (typeof type === 'string' && refusals.has(type)) throw new PublishRejectedError(`Kafka refused the messages: ${type}`, { cause: error });
        throw error;
      }
    },
    async close() {
      closed = true;
      const last = currentProducer;
      current = undefined;
      currentProducer = undefined;
      await last?.disconnect();
    },
  };
}

function toKafkaMessage(message: BusMessage): Message {
  return {
    key: message.key,
    value: typeof message.value === 'string' ? message.value : Buffer.from(message.value),
    ...(message.headers ? { headers: { ...message.headers } } : {}),
  };
}
