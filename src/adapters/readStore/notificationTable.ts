import type { NotificationView } from '../../domain/notifications/notificationView.js';
import type { HistoryTableSpec } from './historyTable.js';

/** The notification projection's `notifications` collection as a table, indexed for its list (newest change first) and the retry sweep. */
export const notificationTable: HistoryTableSpec = {
  projection: 'notifications',
  collection: 'notifications',
  table: 'notifications',
  key: 'notification_id',
  columns: ['fax_id', 'tenant_id', 'status', 'updated_at'],
  fixed: ['fax_id', 'tenant_id'],
  schema: `
CREATE TABLE notifications (
  notification_id TEXT PRIMARY KEY,
  fax_id TEXT NOT NULL,
  tenant_id TEXT,
  status TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  doc TEXT NOT NULL
)`,
  indexes: {
    notifications_time: '(updated_at, notification_id)',
    notifications_tenant_time: '(tenant_id, updated_at, notification_id)',
    notifications_tenant_status_time: '(tenant_id, status, updated_at, notification_id)',
    notifications_status_time: '(status, updated_at, notification_id)',
    notifications_fax_time: '(fax_id, updated_at, notification_id)',
  },
  values(doc) {
    const item = doc as NotificationView;
    return [item.faxId, item.tenantId ?? null, item.status, item.updatedAt];
  },
};
