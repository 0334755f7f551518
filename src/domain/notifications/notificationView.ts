import type { NotificationRef } from './notificationEvents.js';
import type { NotificationState } from './notificationState.js';

/** One notification (an e-mail or webhook about one fax event) as the API shows it. */
export interface NotificationView extends NotificationRef, NotificationState {
  lastAttemptAt: string | null;
  sentAt: string | null;
  deadLetteredAt: string | null;
  updatedAt: string;
  /** Its fax was purged: the target's addresses or URL and the error's text are gone, and it is no longer tried. */
  purged?: true;
  purgedAt?: string;
}
