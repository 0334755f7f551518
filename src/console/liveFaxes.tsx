import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { FaxView } from '../domain/fax/faxView.js';
import type { FaxFilter, FaxReadModel } from '../ports/faxReadModel.js';
import { FaxRow } from './faxListPage.js';
import { createOpenStreams } from './openStreams.js';

/** The projection runner's `onApplied`: called with the names of the projections a batch changed. */
export type AppliedListener = (listener: (projections: ReadonlySet<string>) => void) => () => void;

/** How many of the newest matching faxes each stream watches for new or changed rows. */
const watched = 20;
/** Batches arriving closer together than this are answered with one query per stream. */
const coalesceMs = 100;

/**
 * Server-Sent Events for a fax list. After each batch the projection runner applies to the fax read
 * model, each open stream re-reads the first page of its own filter (the same indexed keyset query
 * as the page, `watched` rows) and sends the rows that are new or changed since it last looked.
 */
export function liveFaxes(deps: { faxes: FaxReadModel; onApplied: AppliedListener }) {
  const streams = createOpenStreams();
  return {
    /** Ends every open stream (the server is shutting down: they would hold its drain up). */
    closeAll: streams.closeAll,
    stream(c: Context, filter: FaxFilter) {
      return streamSSE(c, async (stream) => {
        const seen = new Map<string, string>();
        // The read flag too: a fax opened in another tab loses its bold here.
        const versionOf = (fax: FaxView) => `${fax.updatedAt}|${fax.status}|${fax.pages}|${fax.read}`;
        for (const fax of deps.faxes.list(filter, watched).items) seen.set(fax.faxId, versionOf(fax));
        let timer: NodeJS.Timeout | undefined;
        let sending = Promise.resolve();
        const refresh = () => {
          timer = undefined;
          const changed = deps.faxes.list(filter, watched).items.filter((fax) => seen.get(fax.faxId) !== versionOf(fax));
          // Oldest first, so that each inserted on top leaves the newest at the top.
          for (const fax of changed.reverse()) {
            seen.set(fax.faxId, versionOf(fax));
            sending = sending.then(async () => {
              const html = await (<FaxRow fax={fax} />).toString();
              await stream.writeSSE({ event: 'fax', id: fax.faxId, data: JSON.stringify({ faxId: fax.faxId, from: fax.from, to: fax.to, html }) });
            }).catch(() => undefined); // the browser went away: onAbort cleans up
          }
          // The map only needs what the page can still show.
          if (seen.size > watched * 10) for (const id of [...seen.keys()].slice(0, seen.size - watched * 5)) seen.delete(id);
        };
        const unsubscribe = deps.onApplied((projections) => {
          if (projections.has('faxes') && !timer) timer = setTimeout(refresh, coalesceMs);
        });
        await stream.writeSSE({ event: 'ready', data: '' });
        await streams.hold(stream, () => {
          if (timer) clearTimeout(timer);
          unsubscribe();
        }).ended;
      });
    },
  };
}
