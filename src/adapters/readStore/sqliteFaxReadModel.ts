import type Database from 'better-sqlite3';
import type { FaxView } from '../../domain/fax/faxView.js';
import { minTextSearch, type FaxFilter, type FaxReadModel } from '../../ports/faxReadModel.js';

type Params = Record<string, string | number>;

/**
 * The fax read model's queries over the `faxes` table (faxTable.ts). `list` is keyset pagination,
 * newest first on (created_at, fax_id): each filter combination reads one index from the cursor
 * on and stops after `limit + 1` rows, so a page costs the same at any history size.
 */
export function createSqliteFaxReadModel(db: Database.Database, numberKey: (raw: string) => string): FaxReadModel {
  const parse = (doc: string) => JSON.parse(doc) as FaxView;
  const byId = db.prepare<[string], string>(faxLookups.byId).pluck();
  const byCallUuid = db.prepare<[string], string>(faxLookups.byCallUuid).pluck();
  const open = db.prepare<[], string>(faxLookups.openInbound).pluck();
  const unfinished = db.prepare<[], string>(faxLookups.unfinishedOutbound).pluck();
  const lists = new Map<string, Database.Statement<Params, string>>();
  // Prepared when first used: a read store still catching up has no query indexes yet (see caughtUp).
  const unreadOf = lazily(() => db.prepare<[string, number], number>('SELECT count(*) FROM (SELECT 1 FROM faxes INDEXED BY faxes_tenant_unread_time WHERE unread = 1 AND tenant_id = ? LIMIT ?)').pluck());
  const unreadAll = lazily(() => db.prepare<[number], number>('SELECT count(*) FROM (SELECT 1 FROM faxes INDEXED BY faxes_unread_time WHERE unread = 1 LIMIT ?)').pluck());
  const textMatchesOf = lazily(() => db.prepare<Params, number>(`SELECT count(*) FROM (SELECT 1 FROM faxes INDEXED BY faxes_tenant_text_time WHERE tenant_id = @tenant AND ${textMatch} LIMIT @cap)`).pluck());
  const textMatchesAll = lazily(() => db.prepare<Params, number>(`SELECT count(*) FROM (SELECT 1 FROM faxes INDEXED BY faxes_text_time WHERE ${textMatch} LIMIT @cap)`).pluck());
  // A text few faxes (of the scope) have: its faxes through the text indexes, sorted. One that many
  // have is met sooner along the time index (a page fills within a few rows per match).
  const textPlan = (text: string, tenantId: string | undefined): TextPlan => {
    if (text.length < minTextSearch) return 'scan';
    const params = { match: matchExpression(text), cap: rareText, ...(tenantId === undefined ? {} : { tenant: tenantId }) };
    return (tenantId === undefined ? textMatchesAll() : textMatchesOf()).get(params)! < rareText ? 'match' : 'scan';
  };

  return {
    find: (faxId) => mapDoc(byId.get(faxId), parse),
    findByCallUuid: (callUuid) => mapDoc(byCallUuid.get(callUuid), parse),
    list(filter, limit, cursor) {
      const plan = filter.text !== undefined && filter.number === undefined ? textPlan(filter.text, filter.tenantId) : 'scan';
      const { sql, params } = faxListQuery(filter, limit + 1, cursor, numberKey, plan);
      let statement = lists.get(sql);
      if (!statement) lists.set(sql, (statement = db.prepare<Params, string>(sql).pluck()));
      const items = statement.all(params).map(parse);
      const more = items.length > limit;
      if (more) items.pop();
      return { items, nextCursor: more ? faxCursor(items.at(-1)!) : null };
    },
    unreadCount: (tenantId, cap) => (tenantId === undefined ? unreadAll().get(cap)! : unreadOf().get(tenantId, cap)!),
    unfinishedOutbound: () => unfinished.all(),
    openInbound: () => open.all().map(parse),
  };
}

/**
 * Below this many matching faxes (in the tenant, if one) a text search sorts the matches found
 * through the text indexes; from it on, it walks the time index. Either stays within a few ms at
 * 1M faxes (measured: see the README's Fax API section).
 */
const rareText = 2000;

/** How a text filter is met: through the trigram index (`match`) or row by row along the time index (`scan`). */
export type TextPlan = 'match' | 'scan';

/** Faxes whose text is one of the distinct texts (fax_texts) the trigram index finds. */
const textMatch = "search_text <> '' AND search_text IN (SELECT text FROM fax_texts WHERE id IN (SELECT rowid FROM fax_text WHERE fax_text MATCH @match))";

/** The FTS5 query of a substring: one quoted phrase, so its characters are never read as query syntax. */
export const matchExpression = (text: string): string => `"${text.toLowerCase().replaceAll('"', '""')}"`;

/** The point reads: by primary key, by the call_uuid index, and the unfinished ones through the partial index `faxes_open`. */
export const faxLookups = {
  byId: 'SELECT doc FROM faxes WHERE fax_id = ?',
  byCallUuid: 'SELECT doc FROM faxes WHERE call_uuid = ? LIMIT 1',
  // `ended = 0` spelled out, so SQLite sees the partial index applies.
  openInbound: "SELECT doc FROM faxes WHERE ended = 0 AND direction = 'inbound'",
  unfinishedOutbound: "SELECT fax_id FROM faxes WHERE ended = 0 AND direction = 'outbound'",
} as const;

function lazily<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}

const mapDoc = <T>(doc: string | undefined, parse: (doc: string) => T): T | undefined => (doc === undefined ? undefined : parse(doc));

/**
 * The SQL of one page (and its named parameters). The index is named (`INDEXED BY`), chosen by the
 * filters given, so the plan never depends on the planner's guess: a number search reads the
 * `from` and the `to` index, one page each, and keeps the newest of both.
 */
export function faxListQuery(filter: FaxFilter, rows: number, cursor: string | undefined, numberKey: (raw: string) => string, textPlan: TextPlan = 'scan'): { sql: string; params: Params } {
  const params: Params = { rows };
  const where: string[] = [];
  // `unread = 1` spelled out, so SQLite sees the partial unread indexes apply.
  if (filter.unread) where.push('unread = 1');
  if (filter.tenantId !== undefined) (where.push('tenant_id = @tenant'), (params.tenant = filter.tenantId));
  if (filter.direction !== undefined) (where.push('direction = @direction'), (params.direction = filter.direction));
  if (filter.status !== undefined) (where.push('status = @status'), (params.status = filter.status));
  if (filter.since !== undefined) (where.push('created_at >= @since'), (params.since = filter.since));
  // Of `until` and the cursor only the tighter upper bound is given: SQLite ranges the index on
  // one of them, and ranging on `until` under a deep cursor would step over every page before it.
  const after = cursor === undefined ? undefined : parseFaxCursor(cursor);
  if (after && (filter.until === undefined || after.createdAt <= filter.until)) {
    where.push('(created_at, fax_id) < (@cursorAt, @cursorId)');
    params.cursorAt = after.createdAt;
    params.cursorId = after.faxId;
  } else if (filter.until !== undefined) (where.push('created_at <= @until'), (params.until = filter.until));
  const order = 'ORDER BY created_at DESC, fax_id DESC LIMIT @rows';
  const page = (columns: string, index: string, conditions: string[]) =>
    `SELECT ${columns} FROM faxes INDEXED BY ${index}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''} ${order}`;
  if (filter.text !== undefined) {
    if (textPlan === 'match') {
      // The matching texts' index entries, sorted (only theirs), and the documents of one page.
      where.push(textMatch);
      params.match = matchExpression(filter.text);
      if (filter.number === undefined) {
        const inner = page('rowid', filter.tenantId !== undefined ? 'faxes_tenant_text_time' : 'faxes_text_time', where);
        return { sql: `SELECT doc FROM faxes WHERE rowid IN (${inner}) ${order}`, params };
      }
    } else {
      where.push('instr(search_text, @needle) > 0');
      params.needle = filter.text.toLowerCase();
    }
  }
  if (filter.number === undefined) return { sql: page('doc', indexFor(filter), where), params };
  params.number = numberKey(filter.number);
  const from = page('doc, created_at, fax_id', 'faxes_from_time', ['from_number = @number', ...where]);
  const to = page('doc, created_at, fax_id', 'faxes_to_time', ['to_number = @number', ...where]);
  // UNION drops a fax found by both (from = to); the outer ORDER BY sorts at most 2 × rows rows.
  return { sql: `SELECT doc FROM (SELECT * FROM (${from}) UNION SELECT * FROM (${to})) ${order}`, params };
}

function indexFor(filter: FaxFilter): string {
  if (filter.unread) return filter.tenantId !== undefined ? 'faxes_tenant_unread_time' : 'faxes_unread_time';
  if (filter.tenantId !== undefined) {
    if (filter.status !== undefined) return 'faxes_tenant_status_time';
    if (filter.direction !== undefined) return 'faxes_tenant_direction_time';
    return 'faxes_tenant_time';
  }
  if (filter.status !== undefined) return 'faxes_status_time';
  if (filter.direction !== undefined) return 'faxes_direction_time';
  return 'faxes_time';
}

/** The opaque cursor after `fax`: its place in the newest-first order. */
export const faxCursor = (fax: Pick<FaxView, 'createdAt' | 'faxId'>): string => `${fax.createdAt}|${fax.faxId}`;

/** A cursor's (createdAt, faxId): faxes strictly before it in the newest-first order come next. */
export function parseFaxCursor(cursor: string): { createdAt: string; faxId: string } {
  const bar = cursor.indexOf('|');
  // A cursor without a fax id continues before that time: every fax at the time sorts after it.
  return bar < 0 ? { createdAt: cursor, faxId: '' } : { createdAt: cursor.slice(0, bar), faxId: cursor.slice(bar + 1) };
}
