import { join } from 'node:path';
import { loadKeyRing } from '../../src/adapters/crypto/loadKeyRing.js';
import { openProtectedEventStore } from '../../src/adapters/eventStore/personalData/openProtectedEventStore.js';
import type { EventStore } from '../../src/ports/eventStore.js';

/**
 * A server's embedded event store (`<dataDir>/events.sqlite`) read as the server reads it: the
 * personal fields opened with the data dir's keys. A plain SQLite store would show them empty.
 */
export async function openDataDirEventStore(dataDir: string): Promise<EventStore> {
  return (await openProtectedEventStore(`sqlite:${join(dataDir, 'events.sqlite')}`, loadKeyRing({}, dataDir))).eventStore;
}
