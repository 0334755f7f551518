import type { FaxView } from '../../domain/fax/faxView.js';
import type { HistoryTableSpec } from './historyTable.js';

/**
 * The fax projection's `faxes` collection as a table. Every filter of `GET /v1/faxes` has an index
 * ending in (created_at, fax_id), the newest-first keyset order, so a page is one index range read
 * of `limit + 1` rows whatever the history's size. Numbers are stored as `numberKey` reads them.
 *
 * Text search (remote ident, caller name): a station sends thousands of faxes with the same ident,
 * so the triggers keep each distinct `search_text` once in `fax_texts`, and `fax_text` is an FTS5
 * trigram index of those (tens of thousands of short rows, not one per fax: its lists stay short).
 * A search finds the matching texts there, then their faxes, newest first, through the
 * (search_text, created_at, fax_id) indexes: it never reads a fax that does not match.
 */
export function faxTable(numberKey: (raw: string) => string): HistoryTableSpec {
  return {
    projection: 'faxes',
    collection: 'faxes',
    table: 'faxes',
    key: 'fax_id',
    columns: ['tenant_id', 'direction', 'status', 'from_number', 'to_number', 'created_at', 'ended', 'call_uuid', 'unread', 'search_text'],
    fixed: ['direction', 'created_at'],
    schema: `
CREATE TABLE faxes (
  fax_id TEXT PRIMARY KEY,
  tenant_id TEXT,
  direction TEXT NOT NULL,
  status TEXT NOT NULL,
  from_number TEXT NOT NULL,
  to_number TEXT NOT NULL,
  created_at TEXT NOT NULL,
  ended INTEGER NOT NULL,
  call_uuid TEXT NOT NULL,
  unread INTEGER NOT NULL,
  search_text TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE TABLE fax_texts (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
CREATE VIRTUAL TABLE fax_text USING fts5(text, content = 'fax_texts', content_rowid = 'id', tokenize = 'trigram');
-- A text deleted (a purge) leaves the index, instead of staying behind a delete marker until a merge.
INSERT INTO fax_text (fax_text, rank) VALUES ('secure-delete', 1);
CREATE TRIGGER fax_texts_added AFTER INSERT ON fax_texts BEGIN
  INSERT INTO fax_text (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER fax_texts_removed AFTER DELETE ON fax_texts BEGIN
  INSERT INTO fax_text (fax_text, rowid, text) VALUES ('delete', old.id, old.text);
END;
-- Not INSERT OR IGNORE: the upsert that fires these triggers imposes its own conflict policy (abort) on them.
CREATE TRIGGER faxes_text_inserted AFTER INSERT ON faxes WHEN new.search_text <> '' BEGIN
  INSERT INTO fax_texts (text) SELECT new.search_text WHERE NOT EXISTS (SELECT 1 FROM fax_texts WHERE text = new.search_text);
END;
-- Most upserts (a page, a status) leave the text as it was: the WHEN spares them. The text it
-- replaces (the caller name before the ident was known) stays: it matches no fax, and checking
-- that no other fax holds it would scan the table while a rebuild runs without its indexes.
CREATE TRIGGER faxes_text_updated AFTER UPDATE OF search_text ON faxes WHEN new.search_text <> '' AND old.search_text <> new.search_text BEGIN
  INSERT INTO fax_texts (text) SELECT new.search_text WHERE NOT EXISTS (SELECT 1 FROM fax_texts WHERE text = new.search_text);
END;
-- A purged fax's text (cleared, never replaced: nothing else empties it) leaves no trace once no other
-- fax holds it, nor do the texts it replaced: the caller name alone, before the ident was known, or
-- the ident alone (its lines: see searchTextOf). A rebuild never fires this: a purged fax's events
-- fold to no text in the first place.
CREATE TRIGGER faxes_text_cleared AFTER UPDATE OF search_text ON faxes WHEN new.search_text = '' AND old.search_text <> '' BEGIN
  DELETE FROM fax_texts WHERE text IN (${textAndLines('old.search_text')}) AND NOT EXISTS (SELECT 1 FROM faxes WHERE search_text = fax_texts.text);
END;
-- A deleted fax leaves no trace of its text once no other fax holds it.
CREATE TRIGGER faxes_text_deleted AFTER DELETE ON faxes WHEN old.search_text <> '' BEGIN
  DELETE FROM fax_texts WHERE text IN (${textAndLines('old.search_text')}) AND NOT EXISTS (SELECT 1 FROM faxes WHERE search_text = fax_texts.text);
END`,
    indexes: {
      faxes_time: '(created_at, fax_id)',
      faxes_tenant_time: '(tenant_id, created_at, fax_id)',
      faxes_tenant_status_time: '(tenant_id, status, created_at, fax_id)',
      faxes_tenant_direction_time: '(tenant_id, direction, created_at, fax_id)',
      faxes_status_time: '(status, created_at, fax_id)',
      faxes_direction_time: '(direction, created_at, fax_id)',
      faxes_from_time: '(from_number, created_at, fax_id)',
      faxes_to_time: '(to_number, created_at, fax_id)',
      faxes_call_uuid: '(call_uuid)',
      // Faxes whose call or send is still going: what a restart reconciles or re-queues (a few rows, not the history).
      faxes_open: '(direction, fax_id) WHERE ended = 0',
      // Unread received faxes: the inbox's "unread" filter and count read only these entries.
      faxes_unread_time: '(created_at, fax_id) WHERE unread = 1',
      faxes_tenant_unread_time: '(tenant_id, created_at, fax_id) WHERE unread = 1',
      faxes_text_time: "(search_text, created_at, fax_id) WHERE search_text <> ''",
      faxes_tenant_text_time: "(tenant_id, search_text, created_at, fax_id) WHERE search_text <> ''",
    },
    purged: (doc) => (doc as FaxView).purged === true,
    values(doc) {
      const fax = doc as FaxView;
      return [fax.tenantId, fax.direction, fax.status, numberKey(fax.from ?? ''), numberKey(fax.to ?? ''), fax.createdAt, fax.ended ? 1 : 0, fax.callUuid, isUnread(fax) ? 1 : 0, searchTextOf(fax)];
    },
  };
}

/** SQL: a search text and each of its two lines (ident, caller name); a text of one line gives itself and ''. */
const textAndLines = (column: string) => `${column}, substr(${column}, 1, instr(${column}, char(10)) - 1), substr(${column}, instr(${column}, char(10)) + 1)`;

/** A received fax no one has marked read: bold in the inbox. A purged one has nothing left to read. */
export const isUnread = (fax: Pick<FaxView, 'direction' | 'status' | 'read' | 'purged'>): boolean => fax.direction === 'inbound' && fax.status === 'received' && !fax.read && !fax.purged;

/** What a text search matches: the remote ident and the caller name, lower-cased (the `instr` scan compares with a lower-cased needle). */
export const searchTextOf = (fax: Pick<FaxView, 'remoteIdent' | 'callerName'>): string =>
  [fax.remoteIdent, fax.callerName]
    .filter((part): part is string => !!part)
    .join('\n')
    .toLowerCase();
