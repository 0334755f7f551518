// Child process for the key-durability test: appends the personal events of new faxes (each a new
// key) as fast as it can, through the crypto-shredding event store, until it is killed.
// Usage: node --import tsx test/support/appendSealedUntilKilled.ts <sqlite-path> <base64 ring key>
import { createKeyRing } from '../../src/adapters/crypto/keyRing.js';
import { openProtectedEventStore } from '../../src/adapters/eventStore/personalData/openProtectedEventStore.js';
import { personalFaxEvents } from './personalDataFixtures.js';

const [path, key] = process.argv.slice(2);
const { eventStore } = await openProtectedEventStore(`sqlite:${path!}`, createKeyRing([{ id: 'k1', key: Buffer.from(key!, 'base64') }]));
let announced = false;
await Promise.all(
  Array.from({ length: 8 }, async (_, worker) => {
    for (let round = 0; ; round++) {
      const faxId = `kill-${worker}-${round}`;
      await eventStore.append(`fax-${faxId}`, personalFaxEvents(faxId, 'dead'), 'no_stream');
      if (!announced) {
        announced = true;
        process.stdout.write('appending\n');
      }
    }
  }),
);
