// A FreeSWITCH simulator in a process of its own, for a test that measures its own process (the
// simulator's connection logs and channels would otherwise weigh on the heap it measures).
// Usage: node --import tsx test/support/simulatorChild.ts '<SimulatorOptions as JSON>'
// Prints `ready <esl port>` once listening; closes and exits when its stdin ends.
import { createSimulator } from '../../src/sim/simulator.js';

const sim = await createSimulator(JSON.parse(process.argv[2]!));
process.stdout.write(`ready ${sim.eslAddress.port}\n`);
process.stdin.resume();
process.stdin.once('end', () => void sim.close().then(() => process.exit(0)));
