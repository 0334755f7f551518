import type { EventStore } from '../../../src/ports/eventStore.js';

/**
 * Appends `rounds` events to each of `faxIds`, interleaving the faxes (one append per fax and round)
 * plus a tenant event per round that the publisher must leave out. Returns the last position.
 */
export async function appendFaxHistory(store: EventStore, faxIds: readonly string[], rounds: number, tenantId = 'tenant-one'): Promise<number> {
  let last = 0;
  for (let round = 0; round < rounds; round++) {
    for (const faxId of faxIds) {
      ({ position: last } = await store.append(`fax-${faxId}`, [
        { type: round === 0 ? 'FaxQueued' : 'FaxPageTransferred', data: { page: round }, metadata: { tenantId, correlationId: faxId } },
      ]));
    }
    await store.append(`tenant-${tenantId}`, [{ type: 'TenantNoteAdded', data: { round } }]);
  }
  return last;
}
