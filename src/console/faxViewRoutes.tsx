import type { Context } from 'hono';
import type { FaxView } from '../domain/fax/faxView.js';
import { readerOf } from '../api/accessLog.js';
import type { PageImageSize } from '../ports/pageImages.js';
import type { ConsoleFeature } from './consoleKit.js';
import { listQueryOf, type ListKind } from './faxFilters.js';
import { FaxListPage, listPaths, unreadCap } from './faxListPage.js';
import { FaxPage, MessagePage } from './faxPage.js';
import { purgedInWords } from './format.js';
import type { ConsoleSession } from './sessions.js';
import { liveFaxes } from './liveFaxes.js';
import { bodyBytes } from '../api/bodyBytes.js';
import { readDocumentRecorded } from '../api/readDocumentRecorded.js';

const pageSize = 50;

/** Fax lists with live rows, one fax with its timeline, its PDF and page images. Returns the end of its live streams. */
export function faxViewRoutes(): { feature: ConsoleFeature; close(): void } {
  let closeLive = () => {};
  const feature: ConsoleFeature = (app, { deps, signedIn, html, visibleFax, notFound }) => {
    const live = liveFaxes({ faxes: deps.faxes, onApplied: deps.onApplied });
    // A purged fax's document and page images are gone for good (410), not missing.
    const gone = (c: Context, session: ConsoleSession, fax: FaxView) =>
      html(c, <MessagePage title="Fax purged" message={`${purgedInWords(fax)}: its document and page images no longer exist.`} session={session} />, 410);
    closeLive = () => live.closeAll();

    for (const kind of ['inbox', 'sent', 'all'] as ListKind[]) {
      app.get(listPaths[kind], signedIn, (c) => {
        const session = c.get('session');
        const query = listQueryOf(kind, c.req.query(), session);
        const page = deps.faxes.list(query.filter, pageSize, query.cursor);
        const unread = kind === 'inbox' ? deps.faxes.unreadCount(query.filter.tenantId, unreadCap + 1) : undefined;
        return html(c, <FaxListPage kind={kind} query={query} page={page} session={session} unread={unread} />);
      });
    }
    app.get('/console/live', signedIn, (c) => {
      const session = c.get('session');
      const kind = (['inbox', 'sent', 'all'] as const).find((k) => k === c.req.query('kind')) ?? 'all';
      return live.stream(c, listQueryOf(kind, c.req.query(), session).filter);
    });

    app.get('/faxes/:id', signedIn, async (c) => {
      const session = c.get('session');
      const fax = visibleFax(c.req.param('id'), session);
      if (!fax) return notFound(c, session);
      const events = await deps.eventStore.readStream(`fax-${fax.faxId}`);
      deps.access?.read(c, fax, { kind: 'faxPage' }, readerOf(session.principal, 'console'));
      return html(c, <FaxPage fax={fax} events={events} session={session} pageImages={deps.pageImages !== undefined} access={deps.accessTrail?.list({ faxId: fax.faxId }, 10).items} />);
    });
    // The PDF rendition, or the fax TIFF as sent or received (what a fax archive keeps).
    for (const [extension, type] of [['pdf', 'application/pdf'], ['tiff', 'image/tiff']] as const) {
      app.get(`/faxes/:id/document.${extension}`, signedIn, async (c) => {
        const session = c.get('session');
        const fax = visibleFax(c.req.param('id'), session);
        if (fax?.purged) return gone(c, session, fax);
        if (!fax?.documentId) return notFound(c, session);
        const access = deps.access;
        const body = await readDocumentRecorded(deps.documents, fax.documentId, type, access && (() => access.begin(c, fax, { kind: extension }, readerOf(session.principal, 'console'))));
        return new Response(bodyBytes(body), {
          headers: { 'content-type': type, 'content-disposition': `attachment; filename="fax-${fax.faxId}.${extension}"`, 'cache-control': 'private, no-store' },
        });
      });
    }
    app.get('/faxes/:id/pages/:page{[0-9]{1,4}}/:size{thumb|large}', signedIn, async (c) => {
      const session = c.get('session');
      const fax = visibleFax(c.req.param('id'), session);
      const page = Number(c.req.param('page'));
      if (fax?.purged) return gone(c, session, fax);
      if (!fax?.documentId || !deps.pageImages || page < 1 || page > fax.pages) return notFound(c, session);
      const png = await deps.pageImages.read(fax.documentId, page, c.req.param('size') as PageImageSize);
      deps.access?.read(c, fax, { kind: 'pageImage', page, size: c.req.param('size') as PageImageSize }, readerOf(session.principal, 'console'));
      // Documents never change, so neither do their page images.
      return new Response(bodyBytes(png), { headers: { 'content-type': 'image/png', 'cache-control': 'private, max-age=86400' } });
    });
  };
  return { feature, close: () => closeLive() };
}
