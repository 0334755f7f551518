import type { Logger } from 'pino';
import { decodeFaxEventMessage } from '../domain/faxEventMessage.js';
import { faxEventHeaders } from '../domain/faxEventMessage.js';
import { notificationTriggers } from '../domain/notifications/notificationPlan.js';
import type { Bus, BusSubscription } from '../ports/bus.js';

export const notifierGroup = 'faxengine-notifiers';

/**
 * Drives the notifier from the bus (Kafka): consumer group `faxengine-notifiers`, from the
 * beginning for a new group so it misses nothing. A message counts as consumed only once the
 * notifications it made due are recorded in the fax stream; a crash before that redelivers it, and
 * the stream tells the notifier what was already done.
 */
export async function startBusTrigger(deps: { bus: Bus; topic: string; process(faxId: string): Promise<void>; logger: Logger }): Promise<BusSubscription> {
  const logger = deps.logger.child({ component: 'notifierBusTrigger', topic: deps.topic });
  return deps.bus.subscribe({
    topic: deps.topic,
    group: notifierGroup,
    fromBeginning: true,
    handler: async (message) => {
      const type = message.headers[faxEventHeaders.eventType];
      if (type !== undefined && !notificationTriggers.has(type)) return;
      let decoded;
      try {
        decoded = decodeFaxEventMessage(message.value);
      } catch (error) {
        // A message no version of us can read would block its partition forever: log it and move on.
        logger.error({ err: error, partition: message.partition, offset: message.offset }, 'unreadable fax event message skipped');
        return;
      }
      if (notificationTriggers.has(decoded.type)) await deps.process(decoded.faxId);
    },
    onHandlerError: (error, message) => logger.warn({ err: error, key: message.key, offset: message.offset }, 'notifier failed on a message; it will be redelivered'),
  });
}
