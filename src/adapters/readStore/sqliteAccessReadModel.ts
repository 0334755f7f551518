import type Database from 'better-sqlite3';
import type { AccessFilter, AccessReadModel, AccessView } from '../../ports/accessReadModel.js';

type Params = Record<string, string | number>;

/** The access trail's queries over `access_entries` (accessTable.ts): one named index range per page, newest first. */
export function createSqliteAccessReadModel(db: Database.Database): AccessReadModel {
  // Prepared on first use: a new file gets its indexes only once caught up.
  const lists = new Map<string, Database.Statement<Params, string>>();
  const byId = db.prepare<[string], string>('SELECT doc FROM access_entries WHERE entry_id = ?').pluck();
  return {
    find(entryId) {
      const doc = byId.get(entryId);
      return doc === undefined ? undefined : (JSON.parse(doc) as AccessView);
    },
    list(filter, limit, cursor) {
      const { sql, params } = accessListQuery(filter, limit + 1, cursor);
      let statement = lists.get(sql);
      if (!statement) lists.set(sql, (statement = db.prepare<Params, string>(sql).pluck()));
      const items = statement.all(params).map((doc) => JSON.parse(doc) as AccessView);
      const more = items.length > limit;
      if (more) items.pop();
      const last = items.at(-1);
      return { items, nextCursor: more && last ? `${last.at}|${last.entryId}` : null };
    },
  };
}

export function accessListQuery(filter: AccessFilter, rows: number, cursor: string | undefined): { sql: string; params: Params } {
  const params: Params = { rows };
  const where: string[] = [];
  if (filter.faxId !== undefined) (where.push('fax_id = @faxId'), (params.faxId = filter.faxId));
  if (filter.tenantId !== undefined) (where.push('tenant_id = @tenant'), (params.tenant = filter.tenantId));
  if (filter.reader !== undefined) (where.push('reader_key = @reader'), (params.reader = filter.reader));
  if (filter.since !== undefined) (where.push('at >= @since'), (params.since = filter.since));
  const after = cursor === undefined ? undefined : parseCursor(cursor);
  if (after && (filter.until === undefined || after.at <= filter.until)) {
    where.push('(at, entry_id) < (@cursorAt, @cursorId)');
    params.cursorAt = after.at;
    params.cursorId = after.entryId;
  } else if (filter.until !== undefined) (where.push('at <= @until'), (params.until = filter.until));
  const index =
    filter.faxId !== undefined
      ? 'access_fax_time'
      : filter.reader !== undefined
        ? filter.tenantId !== undefined
          ? 'access_tenant_reader_time'
          : 'access_reader_time'
        : filter.tenantId !== undefined
          ? 'access_tenant_time'
          : 'access_time';
  return { sql: `SELECT doc FROM access_entries INDEXED BY ${index}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, entry_id DESC LIMIT @rows`, params };
}

/** A cursor is a place in the newest-first order, like the fax list's: any string is one (without an entry id, before that time). */
function parseCursor(cursor: string): { at: string; entryId: string } {
  const bar = cursor.indexOf('|');
  return bar < 0 ? { at: cursor, entryId: '' } : { at: cursor.slice(0, bar), entryId: cursor.slice(bar + 1) };
}
