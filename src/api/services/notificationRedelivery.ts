import { ConflictError, GoneError, NotFoundError } from '../../domain/errors.js';
import type { FaxPurgedData } from '../../domain/fax/purgeEvents.js';
import type { NotificationEvent, NotificationRef } from '../../domain/notifications/notificationEvents.js';
import { notificationStates } from '../../domain/notifications/notificationState.js';
import { faxStream } from '../../domain/streams.js';
import type { Clock } from '../../ports/clock.js';
import type { EventMetadata, EventStore } from '../../ports/eventStore.js';

/**
 * Revives a dead-lettered notification of a fax (`NotificationRedeliveryRequested`: a new round of
 * the retry schedule, same webhook-id). The API's redeliver route and the console both call this;
 * the caller has already checked that the fax is visible to whoever asks.
 */
export function createNotificationRedelivery(deps: { eventStore: EventStore; clock: Clock }) {
  return async function redeliver(faxId: string, notificationId: string, requestedBy: string, metadata: EventMetadata): Promise<void> {
    const events = await deps.eventStore.readStream(faxStream(faxId));
    const ref = lastRefOf(events, notificationId);
    const state = notificationStates(events).get(notificationId);
    if (!ref || !state) throw new NotFoundError(`notification ${notificationId} of fax ${faxId} not found`);
    // A purged fax's notifications have nowhere left to go: their addresses and URLs are gone.
    const purged = events.find((event) => event.type === 'FaxPurged');
    if (purged) {
      const { purgedAt } = purged.data as FaxPurgedData;
      throw new GoneError(`fax ${faxId} was purged on ${purgedAt}: its notifications cannot be redelivered`, { faxId, purgedAt });
    }
    if (state.status !== 'dead') throw new ConflictError(`notification ${notificationId} is ${state.status}; only dead-lettered notifications can be redelivered`);
    const requested: NotificationEvent = { type: 'NotificationRedeliveryRequested', data: { ...ref, requestedAt: deps.clock.now().toISOString(), requestedBy } };
    // The exact revision: two requests at once cannot both revive it (the second gets 409).
    await deps.eventStore.append(
      faxStream(faxId),
      [{ ...requested, metadata: { correlationId: faxId, causationId: ref.sourceEventId, ...metadata, ...(ref.tenantId ? { tenantId: ref.tenantId } : {}) } }],
      events.at(-1)!.revision,
    );
  };
}

export type NotificationRedelivery = ReturnType<typeof createNotificationRedelivery>;

function lastRefOf(events: ReadonlyArray<{ type: string; data: unknown }>, notificationId: string): NotificationRef | undefined {
  for (let index = events.length - 1; index >= 0; index--) {
    const event = events[index]!;
    if (!event.type.startsWith('Notification')) continue;
    const data = event.data as NotificationRef;
    if (data.notificationId === notificationId) {
      const { faxId, tenantId, sourceEventId, sourceType, endpointId, target } = data;
      return { notificationId, faxId, tenantId, sourceEventId, sourceType, endpointId, target };
    }
  }
  return undefined;
}
