import type Database from 'better-sqlite3';
import type { NotificationView } from '../../domain/notifications/notificationView.js';
import type { NotificationFilter, NotificationReadModel } from '../../ports/notificationReadModel.js';

type Params = Record<string, string | number>;

/** The notification read model's queries over the `notifications` table (notificationTable.ts), each through a named index. */
export function createSqliteNotificationReadModel(db: Database.Database): NotificationReadModel {
  const parse = (doc: string) => JSON.parse(doc) as NotificationView;
  // Prepared on first use: a new file gets its indexes only once caught up (see SqliteReadStore.caughtUp).
  let waiting: Database.Statement<[], string> | undefined;
  const lists = new Map<string, Database.Statement<Params, string>>();
  return {
    list(filter, limit) {
      const { sql, params } = notificationListQuery(filter, limit);
      let statement = lists.get(sql);
      if (!statement) lists.set(sql, (statement = db.prepare<Params, string>(sql).pluck()));
      return statement.all(params).map(parse);
    },
    waiting: () => (waiting ??= db.prepare<[], string>(waitingSql).pluck()).all().map(parse),
  };
}

const waitingSql = "SELECT doc FROM notifications INDEXED BY notifications_status_time WHERE status IN ('pending', 'retrying')";

export function notificationListQuery(filter: NotificationFilter, limit: number): { sql: string; params: Params } {
  const params: Params = { limit };
  const where: string[] = [];
  if (filter.faxId !== undefined) (where.push('fax_id = @faxId'), (params.faxId = filter.faxId));
  if (filter.tenantId !== undefined) (where.push('tenant_id = @tenant'), (params.tenant = filter.tenantId));
  if (filter.status !== undefined) (where.push('status = @status'), (params.status = filter.status));
  const index =
    filter.faxId !== undefined
      ? 'notifications_fax_time'
      : filter.tenantId !== undefined
        ? filter.status !== undefined
          ? 'notifications_tenant_status_time'
          : 'notifications_tenant_time'
        : filter.status !== undefined
          ? 'notifications_status_time'
          : 'notifications_time';
  const conditions = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  return { sql: `SELECT doc FROM notifications INDEXED BY ${index}${conditions} ORDER BY updated_at DESC, notification_id DESC LIMIT @limit`, params };
}
