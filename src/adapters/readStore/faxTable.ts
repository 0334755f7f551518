import type { FaxView } from '../../domain/fax/faxView.js';
import type { HistoryTableSpec } from './historyTable.js';

/**
 * The fax projection's `faxes` collection as a table. Every filter of `GET /v1/faxes` has an index
 * ending in (created_at, fax_id), the newest-first keyset order, so a page is one index range read
 * of `limit + 1` rows whatever the history's size. Numbers are stored as `numberKey` reads them.
 */
export function faxTable(numberKey: (raw: string) => string): HistoryTableSpec {
  return {
    projection: 'faxes',
    collection: 'faxes',
    table: 'faxes',
    key: 'fax_id',
    columns: ['tenant_id', 'direction', 'status', 'from_number', 'to_number', 'created_at', 'ended', 'call_uuid'],
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
  doc TEXT NOT NULL
)`,
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
    },
    values(doc) {
      const fax = doc as FaxView;
      return [fax.tenantId, fax.direction, fax.status, numberKey(fax.from), numberKey(fax.to), fax.createdAt, fax.ended ? 1 : 0, fax.callUuid];
    },
  };
}
