import type { FaxView } from '../domain/fax/faxView.js';
import type { ConsoleSession } from './sessions.js';

/**
 * A received fax's read state on its page, with the form that flips it. Opening the page marks
 * the fax read, as mail clients do, but not by the GET itself: link previewers, prefetching and
 * crawlers also GET pages, and a GET that changes state would mark faxes no one saw. The page's
 * script (/console/readMark.js) POSTs the "mark as read" form (CSRF token included) once the page
 * is shown; without JavaScript the button does the same.
 */
export function ReadMark({ fax, session }: { fax: FaxView; session: ConsoleSession }) {
  // A purged fax has nothing left to read (the fold ignores marks after the purge).
  if (fax.direction !== 'inbound' || fax.status !== 'received' || fax.purged) return null;
  const path = `/faxes/${encodeURIComponent(fax.faxId)}`;
  // The platform admin looking through every tenant's faxes is not the tenant's reader: opening
  // one leaves it unread for the tenant's people (the button still marks it).
  const readsAsTenant = session.principal.kind === 'user' || session.actingTenantId !== undefined;
  return (
    <section aria-labelledby="read-heading" class="read-mark">
      <h2 id="read-heading" class="visually-hidden">
        Read state
      </h2>
      {/* Until the call is over the fax's actor alone writes its stream: no mark yet (faxReadMarks.ts). */}
      <form method="post" action={`${path}/read`} id="mark-read" hidden={fax.read} data-auto={!fax.read && fax.ended && readsAsTenant ? '' : undefined}>
        <input type="hidden" name="csrf" value={session.csrfToken} />
        <span class="badge">unread</span> <button type="submit">Mark as read</button>
      </form>
      <form method="post" action={`${path}/unread`} id="mark-unread" hidden={!fax.read}>
        <input type="hidden" name="csrf" value={session.csrfToken} />
        <span>Read.</span> <button type="submit">Mark as unread</button>
      </form>
      <p id="read-status" class="visually-hidden" role="status" aria-live="polite"></p>
      <script src="/console/readMark.js" defer></script>
    </section>
  );
}

/** Posts the "mark as read" form of a fax page once the page is visible (see ReadMark), then shows the other form. */
export const readMarkJs = `
(function () {
  var form = document.getElementById('mark-read');
  var other = document.getElementById('mark-unread');
  if (!form || !other || !form.hasAttribute('data-auto') || !window.fetch) return;
  function mark() {
    fetch(form.action, { method: 'POST', body: new URLSearchParams(new FormData(form)), headers: { 'x-console-fetch': '1' }, credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) return;
        form.hidden = true;
        other.hidden = false;
        document.getElementById('read-status').textContent = 'Marked as read';
      })
      .catch(function () {});
  }
  if (document.visibilityState === 'visible') mark();
  else document.addEventListener('visibilitychange', function once() {
    if (document.visibilityState !== 'visible') return;
    document.removeEventListener('visibilitychange', once);
    mark();
  });
})();
`;
