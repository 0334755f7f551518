// Child process of test/bench/abuse.ts: attacks faxengine's outbound-socket port until told to
// stop (a line on stdin), then prints one JSON line of what it did. Kept out of the bench process
// so the attack's own CPU does not slow the simulator that measures set-up time.
// Usage: tsx test/bench/abuseAttackChild.ts <socket-port> idle <connections>
//        | flood <total-bytes> <bytes-per-second, 0 = as fast as it goes>
//        | spray <requests> <user name>   (the port is then the HTTP API's)
import type { Socket } from 'node:net';
import { openIdleConnections, startHeaderFlood } from '../support/socketAttacks.js';

const [portText, mode, amountText, rateText] = process.argv.slice(2) as [string, 'idle' | 'flood' | 'spray', string, string | undefined];
const port = Number(portText);
const amount = Number(amountText);
let running = true;
const stopped = new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
void stopped.then(() => (running = false));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

if (mode === 'idle') {
  // Keeps `amount` connections open, opening new ones as faxengine closes old ones.
  const open = new Set<Socket>();
  let opened = 0;
  const topUp = async () => {
    for (const socket of open) if (socket.closed) open.delete(socket);
    const fresh = await openIdleConnections(port, amount - open.size);
    opened += fresh.length;
    for (const socket of fresh) open.add(socket);
  };
  await topUp();
  process.stdout.write('attacking\n');
  while (running) {
    await sleep(50);
    if (running) await topUp();
  }
  process.stdout.write(`${JSON.stringify({ opened, openAtEnd: [...open].filter((socket) => !socket.closed).length })}\n`);
} else if (mode === 'spray') {
  // `amount` wrong passwords for user `rateText` from 127.0.0.1, 20 at a time, spread over ~4 s.
  const statuses: Record<string, number> = {};
  const authorization = (n: number) => `Basic ${Buffer.from(`${rateText}:wrong password ${n}`).toString('base64')}`;
  let sent = 0;
  process.stdout.write('attacking\n');
  const worker = async () => {
    while (sent < amount) {
      sent += 1;
      const response = await fetch(`http://127.0.0.1:${port}/v1/faxes`, { headers: { authorization: authorization(sent) }, signal: AbortSignal.timeout(60_000) }).catch(() => undefined);
      await response?.arrayBuffer();
      const key = String(response?.status ?? 'error');
      statuses[key] = (statuses[key] ?? 0) + 1;
      await sleep((4000 * 20) / amount);
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker));
  await stopped;
  process.stdout.write(`${JSON.stringify(statuses)}\n`);
} else {
  // `amount` bytes of endless header block, in one connection after another as faxengine cuts each
  // off after its cap; paced at `rate` bytes a second when given.
  const rate = Number(rateText ?? 0);
  let sent = 0;
  let connections = 0;
  let cutByServer = 0;
  process.stdout.write('attacking\n');
  while (running && sent < amount) {
    const flood = startHeaderFlood(port, amount - sent, rate > 0 ? { bytesPerSecond: rate } : {});
    connections += 1;
    const stop = setInterval(() => !running && flood.stop(), 20);
    await flood.done;
    clearInterval(stop);
    sent += flood.sent;
    if (flood.closedByServer) cutByServer += 1;
  }
  await stopped;
  process.stdout.write(`${JSON.stringify({ sent, connections, cutByServer })}\n`);
}
process.exit();
