import { stagedView } from '../../projections/documentProjection.js';
import { faxCollections, faxProjection, type FaxView } from '../../projections/faxProjection.js';
import type { RecordedEvent } from '../../src/ports/eventStore.js';

/** Folds one fax's stored events through the fax projection: the view `GET /v1/faxes/{id}` would serve. */
export function faxViewOf(events: readonly RecordedEvent[]): FaxView | undefined {
  const view = stagedView({ get: () => undefined });
  for (const event of events) {
    if (!faxProjection.handles.includes(event.type)) continue;
    for (const write of faxProjection.evolve(view, event)) view.write(write);
  }
  const faxId = (events[0]?.data as { faxId?: string } | undefined)?.faxId ?? '';
  return view.get<FaxView>(faxCollections.faxes, faxId);
}
