import { GoneError } from '../../domain/errors.js';
import type { FaxView } from '../../domain/fax/faxView.js';

/** A purged fax's document and page images are gone for good: 410, saying when (before any "no document" 404). */
export function refusePurged(fax: Pick<FaxView, 'faxId' | 'purged' | 'purgedAt'>): void {
  if (fax.purged) throw new GoneError(`fax ${fax.faxId} was purged${fax.purgedAt ? ` on ${fax.purgedAt}` : ''}: its document and page images no longer exist`, { faxId: fax.faxId, purgedAt: fax.purgedAt ?? null });
}
