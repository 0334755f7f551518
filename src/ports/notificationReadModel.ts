import type { NotificationState } from '../domain/notifications/notificationState.js';
import type { NotificationView } from '../domain/notifications/notificationView.js';

export interface NotificationFilter {
  tenantId?: string;
  faxId?: string;
  status?: NotificationState['status'];
}

/** The notification read model's queries: indexed rows in the read store, like the faxes. */
export interface NotificationReadModel {
  /** Newest change first, at most `limit`. */
  list(filter: NotificationFilter, limit: number): NotificationView[];
  /** Notifications waiting for an attempt (a retry time, or a redelivery request): what the retry sweep re-arms. */
  waiting(): NotificationView[];
}
