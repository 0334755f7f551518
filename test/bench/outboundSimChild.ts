// Child process of test/bench/outbound.ts: a simulator whose stations answer and receive faxes.
// Usage: tsx test/bench/outboundSimChild.ts <esl-port> <time-scale>
import { createSimulator } from '../../src/sim/simulator.js';

const [eslPort, timeScale] = process.argv.slice(2).map(Number) as [number, number];
const sim = await createSimulator({
  listen: { host: '127.0.0.1', port: eslPort },
  timeScale,
  scenario: { gateways: { carrier1: {} }, defaultStation: { ringSeconds: 1, t38: 'none' } },
});
process.stdout.write('ready\n');
process.stdin.once('data', () => void sim.close().then(() => process.exit(0)));
