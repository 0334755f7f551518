import type { NotificationEvent } from '../src/domain/notifications/notificationEvents.js';
import { notificationEventTypes } from '../src/domain/notifications/notificationEvents.js';
import { evolveNotification, newNotificationState } from '../src/domain/notifications/notificationState.js';
import type { NotificationView } from '../src/domain/notifications/notificationView.js';
import type { FaxPurgedData } from '../src/domain/fax/purgeEvents.js';
import { put, type DocumentProjection, type DocumentView, type DocumentWrite, type ProjectedEvent } from './documentProjection.js';
import { purgedNotificationView } from './purgedNotificationView.js';

export type { NotificationView } from '../src/domain/notifications/notificationView.js';

export const notificationCollections = {
  notifications: 'notifications',
  /** Per fax, its notifications' ids (what a purge of the fax rewrites), and whether it was purged. */
  byFax: 'notificationsByFax',
} as const;

/** The notifications of one fax. */
export interface FaxNotifications {
  ids: string[];
  purged?: true;
}

/** Notifications by id, folded from the Notification* events of the fax streams (the API's dead letters, the retry sweep); FaxPurged forgets their targets. */
export const notificationProjection: DocumentProjection = {
  name: 'notifications',
  handles: [...notificationEventTypes, 'FaxPurged'],
  init: () => [],
  historyCollections: [notificationCollections.notifications, notificationCollections.byFax],
  evolve(view: DocumentView, event: ProjectedEvent) {
    if (event.type === 'FaxPurged') return purge(view, event.data as FaxPurgedData);
    const typed = { type: event.type, data: event.data } as NotificationEvent;
    const { notificationId, faxId, tenantId, sourceEventId, sourceType, endpointId, target } = typed.data;
    const known = view.get<NotificationView>(notificationCollections.notifications, notificationId);
    const writes: DocumentWrite[] = [];
    if (!known) {
      const ofFax = view.get<FaxNotifications>(notificationCollections.byFax, faxId) ?? { ids: [] };
      // Nothing about a purged fax's notifications is learnt again (a late attempt's outcome).
      if (ofFax.purged) return [];
      writes.push(put(notificationCollections.byFax, faxId, { ...ofFax, ids: [...ofFax.ids, notificationId] } satisfies FaxNotifications));
    } else if (known.purged) return [];
    const current: NotificationView = known ?? {
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
    writes.push(
      put(notificationCollections.notifications, notificationId, {
        ...current,
        ...state,
        lastAttemptAt: typed.type === 'NotificationSent' || typed.type === 'NotificationAttemptFailed' ? at : current.lastAttemptAt,
        sentAt: typed.type === 'NotificationSent' ? at : current.sentAt,
        deadLetteredAt: typed.type === 'NotificationDeadLettered' ? at : state.status === 'dead' ? current.deadLetteredAt : null,
        updatedAt: at,
      } satisfies NotificationView),
    );
    return writes;
  },
};

/** Every notification of the fax without its targets; the fax marked purged, so later events of it are not folded. */
function purge(view: DocumentView, data: FaxPurgedData): DocumentWrite[] {
  const ofFax = view.get<FaxNotifications>(notificationCollections.byFax, data.faxId) ?? { ids: [] };
  if (ofFax.purged) return [];
  const writes: DocumentWrite[] = [put(notificationCollections.byFax, data.faxId, { ...ofFax, purged: true } satisfies FaxNotifications)];
  for (const id of ofFax.ids) {
    const notification = view.get<NotificationView>(notificationCollections.notifications, id);
    if (notification) writes.push(put(notificationCollections.notifications, id, purgedNotificationView(notification, data.purgedAt)));
  }
  return writes;
}

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
