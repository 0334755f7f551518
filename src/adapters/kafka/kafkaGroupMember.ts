import type { Batch, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { deliverUntilHandled, type BusSubscription, type ReceivedMessage, type SubscribeToTopic } from '../../ports/bus.js';

export interface GroupMemberOptions extends SubscribeToTopic {
  /** Wait before the first redelivery of a failed message. */
  redeliveryFirstDelayMs?: number;
  /** How long a silent member keeps its partitions (broker minimum 6 s). */
  sessionTimeoutMs?: number;
  /** How long `subscribe` waits to become a member before it rejects. Default 60 s. */
  joinTimeoutMs?: number;
}

/**
 * One member of a Kafka consumer group. Offsets are resolved only after the handler resolved and
 * committed after each batch (and every second within long ones), so a crash replays at most the
 * uncommitted tail: at-least-once. If kafkajs gives up on the consumer (a crash it will not restart
 * itself), this member starts a new consumer, so a long broker outage never ends consumption for good.
 */
export async function joinKafkaGroup(kafka: Kafka, options: GroupMemberOptions, logger: Logger): Promise<BusSubscription> {
  const log = logger.child({ topic: options.topic, group: options.group });
  let stopped = false;
  let consumer: Consumer | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let joined: (() => void) | undefined;
  const firstJoin = new Promise<void>((resolve) => (joined = resolve));

  async function eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    const active = () => !stopped && isRunning() && !isStale();
    for (const message of batch.messages) {
      if (!active()) return;
      const received = toReceived(batch, message);
      const handled = await deliverUntilHandled(received, options, {
        active,
        keepAlive: heartbeat,
        firstDelayMs: options.redeliveryFirstDelayMs ?? 100,
      });
      if (!handled) return;
      resolveOffset(message.offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  async function start(): Promise<void> {
    const created = kafka.consumer({
      groupId: options.group,
      allowAutoTopicCreation: false,
      sessionTimeout: options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 500,
      retry: { initialRetryTime: 200, maxRetryTime: 5_000, retries: 10 },
    });
    consumer = created;
    created.on(created.events.GROUP_JOIN, () => joined?.());
    created.on(created.events.CRASH, ({ payload }) => {
      if (payload.restart || stopped || consumer !== created) return;
      log.warn({ err: payload.error }, 'Kafka consumer gave up; starting a new one');
      void created.disconnect().catch(() => undefined);
      scheduleRestart();
    });
    await created.connect();
    await created.subscribe({ topic: options.topic, fromBeginning: options.fromBeginning ?? false });
    await created.run({
      autoCommit: true,
      autoCommitInterval: 1_000,
      eachBatchAutoResolve: false,
      // Partitions are handled one after the other; order per key never depends on this.
      partitionsConsumedConcurrently: 1,
      eachBatch,
    });
  }

  function scheduleRestart(): void {
    restartTimer = setTimeout(() => {
      if (stopped) return;
      start().catch((error: unknown) => {
        log.warn({ err: error }, 'starting the Kafka consumer failed; trying again');
        scheduleRestart();
      });
    }, 1_000);
  }

  const joinTimeoutMs = options.joinTimeoutMs ?? 60_000;
  let joinTimer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    joinTimer = setTimeout(() => reject(new Error(`did not join group ${options.group} on ${options.topic} within ${joinTimeoutMs} ms`)), joinTimeoutMs);
  });
  try {
    await Promise.race([start().then(() => firstJoin), timedOut]);
    clearTimeout(joinTimer);
  } catch (error) {
    clearTimeout(joinTimer);
    clearTimeout(restartTimer);
    stopped = true;
    await consumer?.disconnect().catch(() => undefined);
    throw error;
  }

  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(restartTimer);
      // kafkajs waits for the running batch, commits what was resolved, and leaves the group.
      await consumer?.disconnect();
    },
  };
}

function toReceived(batch: Batch, message: KafkaMessage): ReceivedMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? String(value[0]) : String(value);
  }
  return {
    topic: batch.topic,
    partition: batch.partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString(),
    value: message.value ?? Buffer.alloc(0),
    headers,
    timestamp: Number(message.timestamp),
  };
}
