import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from '../../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { checkEventStore } from '../../support/eventStoreIntegrity.js';
import { makeTempDir } from '../../support/tempDir.js';

// The fault-injection test's integrity check must pass a sound store and name each broken rule.
describe('event store integrity check (fault-injection test)', () => {
  let dir: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    dir = makeTempDir('integrity');
  });
  afterEach(() => dir.remove());

  it('passes a sound store: faxes each way, notifications and a late routing after the end, other streams', async () => {
    const path = join(dir.path, 'sound.sqlite');
    const store = createSqliteEventStore({ path });
    const ev = (type: string, data: object = {}) => ({ type, data });
    await store.append('fax-out', [ev('FaxQueued'), ev('FaxDocumentPrepared'), ev('FaxSendAttemptStarted', { attempt: 1 }), ev('FaxSendAttemptFailed'), ev('FaxRetryScheduled')]);
    await store.append('fax-in', [ev('FaxCallOffered'), ev('FaxCallAnswered'), ev('FaxReceived'), ev('FaxRouted')]);
    await store.append('fax-out', [ev('FaxSendAttemptStarted', { attempt: 2 }), ev('FaxSent'), ev('NotificationSent')]);
    await store.append('fax-in', [ev('FaxCallEnded'), ev('FaxRelayed'), ev('NotificationDeadLettered')]);
    await store.append('fax-late', [ev('FaxCallOffered'), ev('FaxCallAnswered'), ev('FaxReceiveInterrupted'), ev('FaxCallEnded'), ev('FaxRouted')]);
    await store.append('tenant-1', [ev('TenantCreated')]);
    await store.close();
    expect(checkEventStore(path)).toEqual({ violations: [], events: 21, faxStreams: 3, openFaxStreams: [] });
  });

  it('names gaps, a wrong first event, events after the end, attempts out of order, a second outcome and open faxes', async () => {
    const path = join(dir.path, 'broken.sqlite');
    await createSqliteEventStore({ path }).close();
    const db = new Database(path);
    const insert = db.prepare("INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, '{}', '2026-01-01T00:00:00Z')");
    let id = 0;
    const row = (stream: string, revision: number, type: string, data = '{}') => insert.run(String(++id), stream, revision, type, data);
    row('fax-gap', 0, 'FaxQueued');
    row('fax-gap', 2, 'FaxFailed');
    row('fax-first', 0, 'FaxCallAnswered');
    row('fax-after', 0, 'FaxQueued');
    row('fax-after', 1, 'FaxSent');
    row('fax-after', 2, 'FaxSendAttemptStarted', '{"attempt":1}');
    row('fax-attempts', 0, 'FaxQueued');
    row('fax-attempts', 1, 'FaxSendAttemptStarted', '{"attempt":1}');
    row('fax-attempts', 2, 'FaxSendAttemptFailed');
    row('fax-attempts', 3, 'FaxSendAttemptStarted', '{"attempt":1}');
    row('fax-attempts', 4, 'FaxSendAttemptStarted', '{"attempt":3}');
    row('fax-attempts', 5, 'FaxFailed');
    row('fax-twice', 0, 'FaxCallOffered');
    row('fax-twice', 1, 'FaxReceived');
    row('fax-twice', 2, 'FaxReceiveInterrupted');
    row('fax-twice', 3, 'FaxRouted');
    row('fax-twice', 4, 'FaxCallEnded');
    row('fax-twice', 5, 'FaxRouted');
    row('fax-twice', 6, 'FaxCallOffered');
    row('fax-open', 0, 'FaxCallOffered');
    row('fax-open', 1, 'FaxCallAnswered');
    db.close();

    const result = checkEventStore(path);
    expect(result.violations).toEqual([
      'fax-gap@2 (position 2, FaxFailed): revision 2 where 1 was due (gap or reorder)',
      'fax-first@0 (position 3, FaxCallAnswered): a fax stream must start with FaxQueued or FaxCallOffered',
      'fax-after@2 (position 6, FaxSendAttemptStarted): after the terminal FaxSent',
      'fax-attempts@3 (position 10, FaxSendAttemptStarted): attempt 1 where 2 was due',
      'fax-attempts@4 (position 11, FaxSendAttemptStarted): attempt 3 started while attempt 2 never ended',
      'fax-twice@2 (position 15, FaxReceiveInterrupted): a second outcome after FaxReceived',
      'fax-twice@5 (position 18, FaxRouted): FaxRouted a second time',
      'fax-twice@6 (position 19, FaxCallOffered): FaxCallOffered again after the stream began',
      'fax-twice@6 (position 19, FaxCallOffered): after the terminal FaxCallEnded',
    ]);
    expect(result.openFaxStreams).toEqual([
      { stream: 'fax-first', lastType: 'FaxCallAnswered' },
      { stream: 'fax-open', lastType: 'FaxCallAnswered' },
    ]);
  });
});
