import { ConflictError, NotFoundError } from '../domain/errors.js';
import type { FaxReader } from '../domain/fax/faxReadEvents.js';
import { createFaxReadMarks } from '../api/services/faxReadMarks.js';
import type { ConsoleFeature } from './consoleKit.js';
import { MessagePage } from './faxPage.js';
import type { ConsoleSession } from './sessions.js';

const readerOf = (session: ConsoleSession): FaxReader =>
  session.principal.kind === 'admin' ? { kind: 'admin' } : { kind: 'user', userId: session.principal.userId, username: session.principal.username };

/**
 * Marking a received fax read or unread (POST + CSRF): the same command the events record with
 * who did it. "Mark as read" answers the page's script with 204 and a form with the fax page;
 * "mark as unread" goes back to the inbox, where the fax is bold again (on its own page the
 * script would mark it read at once).
 */
export const readMarkRoutes: ConsoleFeature = (app, { deps, signedIn, csrfChecked, html, visibleFax, notFound }) => {
  const marks = createFaxReadMarks({ eventStore: deps.eventStore, clock: deps.clock, ...(deps.settle ? { settle: deps.settle } : {}) });
  for (const read of [true, false]) {
    app.post(`/faxes/:id/${read ? 'read' : 'unread'}`, signedIn, csrfChecked, async (c) => {
      const session = c.get('session');
      const fax = visibleFax(c.req.param('id'), session);
      if (!fax) return notFound(c, session);
      try {
        await marks.mark(fax.faxId, read, readerOf(session));
      } catch (error) {
        if (error instanceof NotFoundError) return notFound(c, session);
        if (error instanceof ConflictError) return html(c, <MessagePage title="Not marked" message={error.message} session={session} />, 409);
        throw error;
      }
      if (read && c.req.header('x-console-fetch')) return c.body(null, 204);
      return c.redirect(read ? `/faxes/${encodeURIComponent(fax.faxId)}` : '/inbox', 303);
    });
  }
};
