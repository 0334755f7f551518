// Child process for the crash-safety test: appends batches as fast as it can until it is killed.
// Usage: node --import tsx test/support/appendUntilKilled.ts <sqlite-path> <mode: crash|once>
import { randomUUID } from 'node:crypto';
import { createSqliteEventStore } from '../../src/adapters/eventStore/sqlite/sqliteEventStore.js';

const [path, mode = 'crash'] = process.argv.slice(2);
const store = createSqliteEventStore({ path: path! });
const BATCH = 5;

async function appendBatch(stream: string): Promise<void> {
  const batch = randomUUID();
  await store.append(
    stream,
    Array.from({ length: BATCH }, (_, index) => ({ type: 'Appended', data: { index }, metadata: { batch } })),
  );
}

if (mode === 'once') {
  await appendBatch('external-1');
  await store.close();
} else {
  let announced = false;
  const workers = Array.from({ length: 16 }, async (_, worker) => {
    for (let round = 0; ; round++) {
      await appendBatch(`crash-${worker}-${round % 7}`);
      if (!announced) {
        announced = true;
        process.stdout.write('appending\n');
      }
    }
  });
  await Promise.all(workers);
}
