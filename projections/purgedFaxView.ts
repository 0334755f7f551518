import type { FaxPurgedData } from '../src/domain/fax/purgeEvents.js';
import type { FaxView } from '../src/domain/fax/faxView.js';

/**
 * A fax's view once its personal data is purged (FaxPurged): what statistics and the purge record
 * need stays (ids, tenant, direction, status, times, pages, result codes, transport, attempts);
 * the remote party's numbers, names and idents, the document and the per-destination dial
 * overrides go. A rebuild folds the purged fax's events with those fields already empty (the
 * event store can no longer read them) and then this same function, so both folds end equal:
 * every field it keeps must be one the event store keeps readable.
 */
export function purgedFaxView(fax: FaxView, data: FaxPurgedData): FaxView {
  return {
    ...fax,
    // The tenant's own sending number (outbound) is not personal. An inbound `to` is the signalled
    // to-user until answered, and an outside number when the call is relayed: it goes either way.
    from: fax.direction === 'outbound' ? fax.from || null : null,
    to: null,
    documentId: null,
    remoteIdent: null,
    callerName: null,
    // A rejection's text names the source address and the dialled number; other result texts are T.30's or the carrier's.
    result: fax.result && fax.status === 'rejected' ? { ...fax.result, text: '' } : fax.result,
    ...(fax.outbound ? { outbound: { ...fax.outbound, dialOverrides: null } } : {}),
    purged: true,
    purgedAt: data.purgedAt,
  };
}
