import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { EventStore } from '../../ports/eventStore.js';
import { createSqliteEventStore } from './sqlite/sqliteEventStore.js';

/** Picks the adapter from the `eventStore` setting: `sqlite:<path>`, `postgres://…` or a KurrentDB connection string. */
export async function openEventStore(connection: string): Promise<EventStore> {
  if (connection.startsWith('sqlite:')) {
    const path = resolve(connection.slice('sqlite:'.length));
    mkdirSync(dirname(path), { recursive: true });
    return createSqliteEventStore({ path });
  }
  if (/^postgres(ql)?:\/\//.test(connection)) {
    const { createPostgresEventStore } = await import('./postgres/postgresEventStore.js');
    return createPostgresEventStore({ connectionString: connection });
  }
  // Loaded on demand: the gRPC client is heavy and only production deployments need it.
  const { createKurrentDbEventStore } = await import('./kurrentdb/kurrentDbEventStore.js');
  return createKurrentDbEventStore({ connectionString: connection });
}
