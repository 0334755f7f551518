// Child process of test/bench/inbound.ts: a simulator that places N concurrent inbound fax calls
// each time a line `go <phase>` arrives on stdin, from numbers 155<5+phase>2000000… (so the results
// can be told apart by phase), and prints one JSON line per phase when its calls are over.
// Usage: tsx test/bench/inboundSimChild.ts <esl-port> <faxengine-socket-port> <calls> <time-scale>
import { createInterface } from 'node:readline';
import { createSimulator } from '../../src/sim/simulator.js';

const [eslPort, socketPort, calls, timeScale] = process.argv.slice(2).map(Number) as [number, number, number, number];
const sim = await createSimulator({
  listen: { host: '127.0.0.1', port: eslPort },
  dial: { host: '127.0.0.1', port: socketPort },
  timeScale,
  scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, defaultStation: { pages: 3, t38: 'none' } },
});
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  const phase = Number(/^go (\d)$/.exec(line)?.[1] ?? NaN);
  if (Number.isNaN(phase)) continue;
  const started = Date.now();
  const cpu = process.cpuUsage();
  const handles = Array.from({ length: calls }, (_, index) =>
    sim.startInboundCall({ from: `155${5 + phase}${String(2000000 + index)}`, to: '15551230000', gateway: 'carrier1' }),
  );
  await Promise.all(handles.map((handle) => handle.finished));
  process.stdout.write(`${JSON.stringify({ phase, simSeconds: (Date.now() - started) / 1000, cpu: process.cpuUsage(cpu) })}\n`);
}
await sim.close();
