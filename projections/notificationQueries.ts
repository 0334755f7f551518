import type { NotificationState } from '../src/domain/notifications/notificationState.js';
import type { QueryView } from './documentProjection.js';
import { notificationCollections, type NotificationView } from './notificationProjection.js';

export interface NotificationFilter {
  tenantId?: string;
  faxId?: string;
  status?: NotificationState['status'];
}

/** Newest change first. */
export function listNotifications(view: QueryView, filter: NotificationFilter, limit: number): NotificationView[] {
  const matches = [...view.all<NotificationView>(notificationCollections.notifications)].filter(
    (item) =>
      (filter.tenantId === undefined || item.tenantId === filter.tenantId) &&
      (filter.faxId === undefined || item.faxId === filter.faxId) &&
      (filter.status === undefined || item.status === filter.status),
  );
  matches.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
  return matches.slice(0, limit);
}

/** Notifications waiting for an attempt (a retry time, or a redelivery request): what the retry sweep re-arms. */
export function waitingNotifications(view: QueryView): NotificationView[] {
  return [...view.all<NotificationView>(notificationCollections.notifications)].filter((item) => item.status === 'retrying' || item.status === 'pending');
}
