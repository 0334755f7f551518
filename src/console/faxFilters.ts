import { faxStatuses, type FaxStatus } from '../domain/fax/faxView.js';
import { minTextSearch, type FaxFilter } from '../ports/faxReadModel.js';
import type { Principal } from '../api/auth/principal.js';

/** Which list a page shows: the inbox is received faxes, "sent" outbound ones, "all" both. */
export type ListKind = 'inbox' | 'sent' | 'all';

/** What the filter form holds, as typed (re-shown in the form), and the read-model filter it means. */
export interface ListQuery {
  from: string;
  to: string;
  number: string;
  status: string;
  direction: string;
  tenant: string;
  /** "1" when only unread faxes are asked for. */
  unread: string;
  /** Text in the remote ident or caller name. */
  text: string;
  cursor: string | undefined;
  filter: FaxFilter;
  /** Form values the read model could not use, named for the page. */
  problems: string[];
}

const day = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The form's query string to a FaxFilter for the same keyset query GET /v1/faxes uses. Dates are
 * whole UTC days, inclusive; the number goes to the read model as typed (it reads numbers the way
 * it stores them, so "(555) 123-0000" and "+15551230000" match the same faxes).
 */
export function listQueryOf(kind: ListKind, query: Record<string, string | undefined>, scope: { principal: Principal; actingTenantId?: string | undefined }): ListQuery {
  const principal = scope.principal;
  const value = (key: string) => (query[key] ?? '').trim();
  const problems: string[] = [];
  const filter: FaxFilter = {};
  const from = value('from');
  const to = value('to');
  const number = value('number');
  const status = value('status');
  // The inbox and sent lists fix the direction; only "all" has it in its form (and its links).
  const direction = kind === 'all' ? value('direction') : '';
  const fixed = kind === 'inbox' ? 'inbound' : kind === 'sent' ? 'outbound' : direction;
  // An admin acting as a tenant sees that tenant's faxes only, like its users (the tenant field is then not offered).
  const acting = principal.kind === 'admin' ? scope.actingTenantId : undefined;
  const tenant = principal.kind === 'admin' && !acting ? value('tenant') : '';
  const unread = kind !== 'sent' && value('unread') ? '1' : '';
  const text = value('text');
  if (from) day.test(from) ? (filter.since = `${from}T00:00:00.000Z`) : problems.push('From date: expected a date such as 2026-01-31');
  if (to) day.test(to) ? (filter.until = `${to}T23:59:59.999Z`) : problems.push('To date: expected a date such as 2026-01-31');
  if (number) filter.number = number;
  if (status) (faxStatuses as readonly string[]).includes(status) ? (filter.status = status as FaxStatus) : problems.push(`Status: unknown status "${status}"`);
  if (fixed === 'inbound' || fixed === 'outbound') filter.direction = fixed;
  if (unread) filter.unread = true;
  if (text) text.length >= minTextSearch ? (filter.text = text) : problems.push(`Text: type at least ${minTextSearch} characters of the remote ident or caller name`);
  const tenantId = principal.kind === 'admin' ? acting || tenant : principal.tenantId;
  if (tenantId) filter.tenantId = tenantId;
  return { from, to, number, status, direction, tenant, unread, text, cursor: query.cursor || undefined, filter, problems };
}

/** The query string of this list with a different cursor (or none), for "next page" and the live stream. */
export function listSearch(query: ListQuery, cursor?: string): string {
  const params = new URLSearchParams();
  for (const key of ['from', 'to', 'number', 'status', 'direction', 'tenant', 'unread', 'text'] as const) if (query[key]) params.set(key, query[key]);
  if (cursor) params.set('cursor', cursor);
  const text = params.toString();
  return text ? `?${text}` : '';
}
