import { ConflictError, NotFoundError } from '../domain/errors.js';
import { createFaxPurges } from '../api/services/faxPurges.js';
import type { ConsoleFeature } from './consoleKit.js';
import { MessagePage } from './faxPage.js';
import { purgePath } from './purgeLink.js';
import { Layout } from './layout.js';
import type { ConsoleSession } from './sessions.js';

/**
 * Purging a fax from the console: a confirmation page (GET) whose form (POST + CSRF) asks for the
 * purge with the same command as `POST /v1/faxes/{id}/purge`, recorded with who asked.
 */
export const purgeRoutes: ConsoleFeature = (app, { deps, signedIn, csrfChecked, html, visibleFax, notFound }) => {
  const purges = createFaxPurges({ eventStore: deps.eventStore, clock: deps.clock });
  app.get('/faxes/:id/purge', signedIn, (c) => {
    const session = c.get('session');
    const fax = visibleFax(c.req.param('id'), session);
    if (!fax) return notFound(c, session);
    return html(c, <ConfirmPurge faxId={fax.faxId} session={session} />);
  });
  app.post('/faxes/:id/purge', signedIn, csrfChecked, async (c) => {
    const session = c.get('session');
    const fax = visibleFax(c.req.param('id'), session);
    if (!fax) return notFound(c, session);
    const { principal } = session;
    const by = principal.kind === 'admin' ? ({ kind: 'admin' } as const) : { kind: 'user' as const, userId: principal.userId, username: principal.username };
    try {
      await purges.request(fax.faxId, 'request', by, principal.kind === 'admin' ? undefined : principal.tenantId);
    } catch (error) {
      if (error instanceof NotFoundError) return notFound(c, session);
      if (error instanceof ConflictError) return html(c, <MessagePage title="Not purged" message={error.message} session={session} />, 409);
      throw error;
    }
    return c.redirect(`/faxes/${encodeURIComponent(fax.faxId)}`, 303);
  });
};

function ConfirmPurge({ faxId, session }: { faxId: string; session: ConsoleSession }) {
  return (
    <Layout title="Purge this fax?" session={session}>
      <h1>Purge this fax?</h1>
      <p>
        Its document, page images, numbers, station idents and names are deleted for good, everywhere faxengine keeps them. What stays: that a fax was sent or received, when, its page count and
        result (statistics count it), and a record of the purge. This cannot be undone.
      </p>
      <form method="post" action={purgePath(faxId)}>
        <input type="hidden" name="csrf" value={session.csrfToken} />
        <button type="submit" class="danger">
          Purge for good
        </button>{' '}
        <a href={`/faxes/${encodeURIComponent(faxId)}`}>Keep it</a>
      </form>
    </Layout>
  );
}
