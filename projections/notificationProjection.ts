import type { NotificationEvent, NotificationRef } from '../src/domain/notifications/notificationEvents.js';
import { notificationEventTypes } from '../src/domain/notifications/notificationEvents.js';
import { evolveNotification, newNotificationState, type NotificationState } from '../src/domain/notifications/notificationState.js';
import type { NotificationView } from '../src/domain/notifications/notificationView.js';
import { put, type DocumentProjection, type DocumentView, type ProjectedEvent } from './documentProjection.js';

export type { NotificationView } from '../src/domain/notifications/notificationView.js';

export const notificationCollections = { notifications: 'notifications' } as const;

/** Notifications by id, folded from the Notification* events of the fax streams (the API's dead letters, the retry sweep). */
export const notificationProjection: DocumentProjection = {
  name: 'notifications',
  handles: notificationEventTypes,
  init: () => [],
  historyCollections: [notificationCollections.notifications],
  evolve(view: DocumentView, event: ProjectedEvent) {
    const typed = { type: event.type, data: event.data } as NotificationEvent;
    const { notificationId, faxId, tenantId, sourceEventId, sourceType, endpointId, target } = typed.data;
    const current = view.get<NotificationView>(notificationCollections.notifications, notificationId) ?? {
      notificationId,
      faxId,
      tenantId,
      sourceEventId,
      sourceType,
      endpointId,
      target,
      ...newNotificationState(),
      lastAttemptAt: null,
      sentAt: null,
      deadLetteredAt: null,
      updatedAt: '',
    };
    const state = evolveNotification(current, typed);
    const at = timeOf(typed);
    return [
      put(notificationCollections.notifications, notificationId, {
        ...current,
        ...state,
        lastAttemptAt: typed.type === 'NotificationSent' || typed.type === 'NotificationAttemptFailed' ? at : current.lastAttemptAt,
        sentAt: typed.type === 'NotificationSent' ? at : current.sentAt,
        deadLetteredAt: typed.type === 'NotificationDeadLettered' ? at : state.status === 'dead' ? current.deadLetteredAt : null,
        updatedAt: at,
      } satisfies NotificationView),
    ];
  },
};

function timeOf(event: NotificationEvent): string {
  switch (event.type) {
    case 'NotificationSent':
      return event.data.sentAt;
    case 'NotificationAttemptFailed':
      return event.data.failedAt;
    case 'NotificationDeadLettered':
      return event.data.deadLetteredAt;
    case 'NotificationRedeliveryRequested':
      return event.data.requestedAt;
  }
}
