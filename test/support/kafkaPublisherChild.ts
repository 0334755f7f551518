// Child process for the kill test: runs faxengine's event publisher against a real broker until killed.
// Usage: node --import tsx test/support/kafkaPublisherChild.ts <sqlite-path> <broker> <topic>
import pino from 'pino';
import { createSqliteEventStore } from '../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import { createKafkaBus } from '../../src/adapters/kafka/kafkaBus.js';
import { createEventPublisher } from '../../src/reactors/eventPublisher.js';

const [path, broker, topic] = process.argv.slice(2);
const logger = pino({ level: 'warn' }, pino.destination(2));
const eventStore = createSqliteEventStore({ path: path!, pollIntervalMs: 10 });
const bus = createKafkaBus({ brokers: [broker!], clientId: 'faxengine-kill-test', logger });
// Small batches, so a kill lands between acknowledged batches and inside one in flight.
const publisher = createEventPublisher({ eventStore, bus, topic: topic!, logger, maxBatch: 200 });
await publisher.start();
process.stdout.write('publishing\n');
// The store's change poll is unref'd and the producer connects lazily: keep the process alive until killed.
setInterval(() => {}, 60_000);
