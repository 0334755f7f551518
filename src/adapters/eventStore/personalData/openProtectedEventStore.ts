import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ReencryptableStore } from '../../../ports/atRestData.js';
import type { EventStore } from '../../../ports/eventStore.js';
import type { PersonalDataShredder } from '../../../ports/personalData.js';
import { ConfigError } from '../../../config/loadConfig.js';
import { SealedDataError, type KeyRing } from '../../crypto/keyRing.js';
import { createSqliteEventStore, type SqliteEventStoreOptions } from '../sqlite/sqliteEventStore.js';
import { createPersonalDataEventStore } from './personalDataEventStore.js';
import { createPersonalDataShredder } from './personalDataShredder.js';
import { createSqliteSubjectKeyBackend } from './sqliteSubjectKeys.js';
import { createStationPseudonyms } from './stationPseudonyms.js';
import { createSubjectKeys, type SubjectKeyBackend, type SubjectKeys, type SubjectKeysOptions } from './subjectKeys.js';

/** The subject whose "key" is the secret behind station pseudonyms; never forgotten. */
export const stationNamesSecretSubject = 'secret-station-names';

export interface ProtectedEventStore {
  /** What everything above the port reads and writes: personal data sealed in the store, opened on read. */
  eventStore: EventStore;
  /** Destroys a fax's key (the purge runner calls it). */
  personalData: PersonalDataShredder;
  /** The per-subject key store, for the re-encryption job after a key rotation. */
  personalDataKeys: ReencryptableStore;
}

export interface ProtectOptions extends SubjectKeysOptions {
  /** Normalises remote numbers as station learning does (forgetFax forgets both forms). */
  toE164?: (raw: string) => string | undefined;
}

/** Wraps an open event store and its key backend (the composition of the pieces; tests use it directly). */
export async function protectEventStore(inner: EventStore, backend: SubjectKeyBackend, ring: KeyRing, options: ProtectOptions = {}): Promise<ProtectedEventStore & { keys: SubjectKeys }> {
  const keys = createSubjectKeys(backend, ring, options);
  const secret = await keys.getOrCreate(stationNamesSecretSubject).catch(async (error: unknown) => {
    await Promise.allSettled([inner.close(), keys.close()]);
    // Most likely another instance of the cluster sealed the store's keys under a ring this one lacks.
    if (error instanceof SealedDataError) {
      throw new ConfigError(`the event store's personal-data keys cannot be opened with this instance's key ring: ${error.message}. Every instance sharing an event store needs the same encryption keys (encryption.keys / encryption.keyFile; README: Encryption at rest)`);
    }
    throw error;
  });
  const stations = createStationPseudonyms(secret!.key);
  const wrapped = createPersonalDataEventStore(inner, keys, stations);
  let closing: Promise<void> | undefined;
  return {
    eventStore: {
      ...wrapped,
      close: () =>
        (closing ??= (async () => {
          await wrapped.close();
          await keys.close();
        })()),
    },
    personalData: createPersonalDataShredder(keys, stations, options.toE164),
    personalDataKeys: keys,
    keys,
  };
}

/**
 * Opens the configured event store (`sqlite:<path>`, `postgres://…` or KurrentDB) with its
 * per-subject key store beside it: SQLite `<events file>-keys`, PostgreSQL table
 * `personal_data_keys`, KurrentDB streams `faxkey-<subject>`.
 */
export async function openProtectedEventStore(connection: string, ring: KeyRing, options: ProtectOptions & Pick<SqliteEventStoreOptions, 'recentEvents'> = {}): Promise<ProtectedEventStore> {
  if (connection.startsWith('sqlite:')) {
    const path = resolve(connection.slice('sqlite:'.length));
    mkdirSync(dirname(path), { recursive: true });
    const store = createSqliteEventStore({ path, ...(options.recentEvents === undefined ? {} : { recentEvents: options.recentEvents }) });
    return protectEventStore(store, createSqliteSubjectKeyBackend(`${path}-keys`), ring, options);
  }
  if (/^postgres(ql)?:\/\//.test(connection)) {
    const { createPostgresEventStore } = await import('../postgres/postgresEventStore.js');
    const { createPostgresSubjectKeyBackend } = await import('./postgresSubjectKeys.js');
    // The event store first: its migrations create the keys table.
    return protectEventStore(await createPostgresEventStore({ connectionString: connection }), createPostgresSubjectKeyBackend(connection), ring, options);
  }
  const { KurrentDBClient } = await import('@kurrent/kurrentdb-client');
  const { createKurrentDbEventStore } = await import('../kurrentdb/kurrentDbEventStore.js');
  const { createKurrentDbSubjectKeyBackend } = await import('./kurrentDbSubjectKeys.js');
  // One client for the events and the keys.
  const client = KurrentDBClient.connectionString(connection.replace(/^kdb/, 'kurrentdb'));
  return protectEventStore(createKurrentDbEventStore({ connectionString: connection, client }), createKurrentDbSubjectKeyBackend(client), ring, options);
}
