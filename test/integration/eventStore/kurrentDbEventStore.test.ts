import { describe, expect, it } from 'vitest';
import { createKurrentDbEventStore } from '../../../src/adapters/eventStore/kurrentdb/kurrentDbEventStore.js';
import { EventStoreUnavailableError } from '../../../src/ports/eventStore.js';
import { describeEventStoreConformance } from './eventStoreConformance.js';
import { freePort } from '../../support/freePort.js';

// No KurrentDB server can run on the project's build machines; set KURRENTDB_URL
// (e.g. kurrentdb://127.0.0.1:2113?tls=false) to run the full conformance suite against one.
const url = process.env.KURRENTDB_URL;
describe.runIf(Boolean(url))('KurrentDB adapter against a live server', () => {
  describeEventStoreConformance('kurrentdb', () => ({ open: async () => createKurrentDbEventStore({ connectionString: url! }) }));
});

describe('KurrentDB adapter without a server', () => {
  it('reports a refused connection as EventStoreUnavailableError', async () => {
    const port = await freePort();
    const store = createKurrentDbEventStore({ connectionString: `kurrentdb://127.0.0.1:${port}?tls=false&defaultDeadline=3000&maxDiscoverAttempts=1` });
    try {
      await expect(store.ping()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    } finally {
      await store.close();
    }
  });
});

