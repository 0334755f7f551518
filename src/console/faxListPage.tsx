import type { FaxView } from '../domain/fax/faxView.js';
import { faxStatuses } from '../domain/fax/faxView.js';
import type { FaxPage } from '../ports/faxReadModel.js';
import { listSearch, type ListKind, type ListQuery } from './faxFilters.js';
import { purgedInWords, shortTime, statusInWords } from './format.js';
import { Layout } from './layout.js';
import type { ConsoleSession } from './sessions.js';

export const listPaths: Record<ListKind, string> = { inbox: '/inbox', sent: '/sent', all: '/faxes' };
const titles: Record<ListKind, string> = { inbox: 'Inbox', sent: 'Sent faxes', all: 'All faxes' };
/** The inbox counts unread faxes up to this many (an index range of at most this many entries), then says "more than". */
export const unreadCap = 999;

/** A received fax no one has opened or marked read. */
const isUnread = (fax: FaxView) => fax.direction === 'inbound' && fax.status === 'received' && !fax.read && !fax.purged;

/** One fax as a table row; also what the live stream sends (so both render the same). */
export function FaxRow({ fax }: { fax: FaxView }) {
  return (
    <tr id={`fax-${fax.faxId}`} class={isUnread(fax) ? 'unread' : undefined}>
      <td data-label="Time">
        <a href={`/faxes/${encodeURIComponent(fax.faxId)}`}>{shortTime(fax.createdAt)}</a>
        {/* Said in words, not by the bold type alone. */}
        {isUnread(fax) && <span class="badge">unread</span>}
      </td>
      <td data-label="Direction">{fax.direction === 'inbound' ? 'received' : 'sent'}</td>
      <td data-label="From">{fax.from ?? (fax.purged ? purgedInWords(fax) : '')}</td>
      <td data-label="To">{fax.to ?? (fax.purged ? purgedInWords(fax) : '')}</td>
      <td data-label="Pages">{fax.pages}</td>
      <td data-label="Status" class={`status-${fax.status}`}>
        {statusInWords(fax.status)}
      </td>
      {/* Carriers often send the number as the caller name: shown only when it says more. */}
      <td data-label="Ident or name">{[fax.remoteIdent, fax.callerName !== fax.from ? fax.callerName : null].filter(Boolean).join(' · ')}</td>
    </tr>
  );
}

function Filters({ kind, query, admin }: { kind: ListKind; query: ListQuery; admin: boolean }) {
  return (
    <form class="filters" method="get" action={listPaths[kind]} role="search" aria-label="Filter faxes">
      <div>
        <label for="f-from">From date</label>
        <input id="f-from" name="from" type="date" value={query.from} />
      </div>
      <div>
        <label for="f-to">To date</label>
        <input id="f-to" name="to" type="date" value={query.to} />
      </div>
      <div>
        <label for="f-number">Number</label>
        <input id="f-number" name="number" type="search" inputmode="tel" value={query.number} placeholder="any format" />
      </div>
      <div>
        <label for="f-status">Status</label>
        <select id="f-status" name="status">
          <option value="">any</option>
          {faxStatuses.map((status) => (
            <option value={status} selected={query.status === status}>
              {statusInWords(status)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="f-text">Ident or name</label>
        <input id="f-text" name="text" type="search" value={query.text} minlength={3} placeholder="remote ident, caller name" />
      </div>
      {kind !== 'sent' && (
        <div class="check">
          <input id="f-unread" name="unread" type="checkbox" value="1" checked={query.unread === '1'} />
          <label for="f-unread">Unread only</label>
        </div>
      )}
      {kind === 'all' && (
        <div>
          <label for="f-direction">Direction</label>
          <select id="f-direction" name="direction">
            <option value="">both</option>
            <option value="inbound" selected={query.direction === 'inbound'}>
              received
            </option>
            <option value="outbound" selected={query.direction === 'outbound'}>
              sent
            </option>
          </select>
        </div>
      )}
      {admin && (
        <div>
          <label for="f-tenant">Tenant id</label>
          <input id="f-tenant" name="tenant" type="text" value={query.tenant} />
        </div>
      )}
      <button type="submit">Filter</button>
    </form>
  );
}

/** A list of faxes (inbox, sent or all): filters, one keyset page, "next page", live new rows on the first page. */
export function FaxListPage({ kind, query, page, session, unread }: { kind: ListKind; query: ListQuery; page: FaxPage; session: ConsoleSession; unread?: number | undefined }) {
  const live = query.cursor ? undefined : `/console/live${listSearch(query)}${listSearch(query) ? '&' : '?'}kind=${kind}`;
  return (
    <Layout title={titles[kind]} session={session} current={listPaths[kind]}>
      <h1>{titles[kind]}</h1>
      {unread !== undefined && (
        <p id="unread-count">
          {unread === 0 ? (
            'No unread faxes.'
          ) : (
            <a href={`${listPaths[kind]}?unread=1`}>{unread > unreadCap ? `More than ${unreadCap} unread faxes` : `${unread} unread ${unread === 1 ? 'fax' : 'faxes'}`}</a>
          )}
        </p>
      )}
      <Filters kind={kind} query={query} admin={session.principal.kind === 'admin' && !session.actingTenantId} />
      {query.problems.map((problem) => (
        <p class="error" role="alert">
          {problem}
        </p>
      ))}
      <p id="live-status" class="visually-hidden" role="status" aria-live="polite"></p>
      <table data-live={live}>
        <caption class="visually-hidden">{titles[kind]}, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Direction</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">Pages</th>
            <th scope="col">Status</th>
            <th scope="col">Ident or name</th>
          </tr>
        </thead>
        <tbody>
          {page.items.map((fax) => (
            <FaxRow fax={fax} />
          ))}
        </tbody>
      </table>
      {page.items.length === 0 && <p id="no-faxes">No faxes match.</p>}
      <nav aria-label="Pagination">
        {query.cursor && <a href={`${listPaths[kind]}${listSearch(query)}`}>First page</a>}{' '}
        {page.nextCursor && (
          <a href={`${listPaths[kind]}${listSearch(query, page.nextCursor)}`} rel="next">
            Next page
          </a>
        )}
      </nav>
      {live && <script src="/console/live.js" defer></script>}
    </Layout>
  );
}
