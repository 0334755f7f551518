import type { AccessView } from '../../ports/accessReadModel.js';
import type { HistoryTableSpec } from './historyTable.js';

/**
 * The access projection's entries as a table. Every filter of the trail's queries has an index
 * ending in (at, entry_id), the newest-first keyset order: who read a fax (fax_id), what a user
 * read within a tenant (tenant_id, reader_key) or across tenants (reader_key), a tenant's trail.
 * Entries never change once written: every column is fixed.
 */
export const accessTable: HistoryTableSpec = {
  projection: 'access',
  collection: 'entries',
  table: 'access_entries',
  key: 'entry_id',
  columns: ['fax_id', 'tenant_id', 'reader_key', 'at'],
  fixed: ['fax_id', 'tenant_id', 'reader_key', 'at'],
  schema: `
CREATE TABLE access_entries (
  entry_id TEXT PRIMARY KEY,
  fax_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  reader_key TEXT NOT NULL,
  at TEXT NOT NULL,
  doc TEXT NOT NULL
)`,
  indexes: {
    access_fax_time: '(fax_id, at, entry_id)',
    access_tenant_reader_time: '(tenant_id, reader_key, at, entry_id)',
    access_reader_time: '(reader_key, at, entry_id)',
    access_tenant_time: '(tenant_id, at, entry_id)',
    access_time: '(at, entry_id)',
  },
  values(doc) {
    const entry = doc as AccessView;
    // Reads of faxes of no tenant are filed under `system`, as their stream is (`access-system`).
    return [entry.faxId, entry.tenantId ?? 'system', entry.readerKey, entry.at];
  },
};
