// Child process of test/bench/inbound.ts: a simulator that places N concurrent inbound fax calls.
// Usage: tsx test/bench/inboundSimChild.ts <esl-port> <faxengine-socket-port> <calls> <time-scale>
import { createSimulator } from '../../src/sim/simulator.js';

const [eslPort, socketPort, calls, timeScale] = process.argv.slice(2).map(Number) as [number, number, number, number];
const sim = await createSimulator({
  listen: { host: '127.0.0.1', port: eslPort },
  dial: { host: '127.0.0.1', port: socketPort },
  timeScale,
  scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, defaultStation: { pages: 3, t38: 'none' } },
});
process.stdout.write('ready\n');
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
const started = Date.now();
const handles = Array.from({ length: calls }, (_, index) =>
  sim.startInboundCall({ from: `1555${String(2000000 + index)}`, to: '15551230000', gateway: 'carrier1' }),
);
await Promise.all(handles.map((handle) => handle.finished));
process.stdout.write(`${JSON.stringify({ simSeconds: (Date.now() - started) / 1000, cpu: process.cpuUsage() })}\n`);
await sim.close();
