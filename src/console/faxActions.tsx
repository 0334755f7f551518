import { randomUUID } from 'node:crypto';
import type { FaxView } from '../domain/fax/faxView.js';
import type { ConsoleSession } from './sessions.js';

/** Cancel while an outbound fax may still be sent; resend once it is over (never a relay of a received fax). */
export function faxActionsOf(fax: FaxView, finished: boolean): { cancel: boolean; resend: boolean } {
  const outbound = fax.direction === 'outbound';
  return { cancel: outbound && !finished, resend: outbound && finished && fax.documentId !== null && !fax.outbound?.relayOf };
}

/** The fax's actions as POST forms (CSRF token included); nothing when none applies. */
export function FaxActions({ fax, finished, session }: { fax: FaxView; finished: boolean; session: ConsoleSession }) {
  const actions = faxActionsOf(fax, finished);
  const base = `/faxes/${encodeURIComponent(fax.faxId)}`;
  if (!actions.cancel && !actions.resend) return null;
  return (
    <div class="fax-actions">
      {actions.cancel && (
        <form method="post" action={`${base}/cancel`}>
          <input type="hidden" name="csrf" value={session.csrfToken} />
          <button type="submit" class="danger">
            Cancel this fax
          </button>
        </form>
      )}
      {actions.resend && (
        <form method="post" action={`${base}/resend`}>
          <input type="hidden" name="csrf" value={session.csrfToken} />
          {/* Made as the form is shown: sent twice (a double click), it is one resend. */}
          <input type="hidden" name="resendKey" value={randomUUID()} />
          <button type="submit">Resend (a new fax, same document)</button>
        </form>
      )}
    </div>
  );
}
