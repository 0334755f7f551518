import type { NotificationTarget } from '../src/domain/notifications/notificationEvents.js';
import type { NotificationView } from '../src/domain/notifications/notificationView.js';

/**
 * A notification once its fax is purged: where it went (e-mail addresses, webhook URL) and the
 * error text (an SMTP reply names the address) go; its identity, counts and times stay. One still
 * waiting is not tried again (it has nowhere to go): it ends dead-lettered at the purge.
 */
export function purgedNotificationView(notification: NotificationView, purgedAt: string): NotificationView {
  const waiting = notification.status === 'pending' || notification.status === 'retrying';
  return {
    ...notification,
    target: emptyTarget(notification.target),
    lastError: notification.lastError ? { ...notification.lastError, message: '' } : null,
    ...(waiting ? { status: 'dead' as const, nextAttemptAt: null, deadLetteredAt: purgedAt } : {}),
    purged: true,
    purgedAt,
  };
}

/** The target as the event store reads it once the fax's key is gone: the same shape, its values empty. */
const emptyTarget = (target: NotificationTarget): NotificationTarget =>
  target.channel === 'email' ? { channel: 'email', to: [] } : { channel: 'webhook', url: '', style: target.style };
