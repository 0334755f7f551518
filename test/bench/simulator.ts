/**
 * Load test of the FreeSWITCH simulator: keeps CONCURRENT faxes in flight (half inbound calls over
 * outbound sockets with answer + rxfax, half bgapi originate + txfax over an inbound ESL pool) for
 * DURATION_S, with the simulator in its own process so its CPU time is measured alone.
 * Run: npx tsx test/bench/simulator.ts   (last line: one JSON object)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startControlServer } from '../../src/sim/controlServer.js';
import { createSimulator } from '../../src/sim/simulator.js';
import { faxPage, writeFaxTiff } from '../../src/sim/tiffWriter.js';

const CONCURRENT = Number(process.env.CONCURRENT ?? 1000);
const DURATION_S = Number(process.env.DURATION_S ?? 20);
const WARMUP_S = 3;
const TIME_SCALE = Number(process.env.TIME_SCALE ?? 0.01);
const POOL_SIZE = 4;
const PAGES = 3;

/** Splits ESL frames from a socket with minimal parsing: the client side must stay cheap. */
function onFrames(socket: Socket, handle: (headerBlock: string, body: string) => void): void {
  let buffer = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end === -1) return;
      const headerBlock = buffer.slice(0, end);
      const length = /(?:^|\n)Content-Length: (\d+)/.exec(headerBlock);
      const bodyLength = length ? Number(length[1]) : 0;
      if (buffer.length < end + 2 + bodyLength) return;
      handle(headerBlock, buffer.slice(end + 2, end + 2 + bodyLength));
      buffer = buffer.slice(end + 2 + bodyLength);
    }
  });
  socket.on('error', () => undefined);
}

async function runChild(): Promise<void> {
  const dialPort = Number(process.argv[process.argv.indexOf('--child') + 1]);
  const sim = await createSimulator({
    listen: { host: '127.0.0.1', port: 0 },
    dial: { host: '127.0.0.1', port: dialPort },
    timeScale: TIME_SCALE,
    scenario: { defaultStation: { pages: PAGES, ringSeconds: 1, hangupDelaySeconds: 1 } },
  });
  const control = await startControlServer(sim, { host: '127.0.0.1', port: 0 });
  process.stdout.write(`${JSON.stringify({ esl: sim.eslAddress.port, control: control.address.port })}\n`);
  // A normal exit lets `--cpu-prof` (BENCH_PROFILE=<dir>) write its profile.
  process.once('SIGTERM', () => process.exit(0));
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function runBench(): Promise<void> {
  const dir = mkdtempSync('/dev/shm/faxsim-bench-');
  const document = join(dir, 'out.tif');
  writeFileSync(document, writeFaxTiff(Array.from({ length: PAGES }, () => faxPage(true))));
  let inFlightIn = 0;
  let inFlightOut = 0;
  let completed = 0;
  let started = 0;

  const faxengine = createServer((socket) => {
    let uuid = '';
    socket.write('connect\n\n');
    onFrames(socket, (headerBlock, body) => {
      if (uuid === '') {
        uuid = /\nUnique-ID: ([^\n]+)/.exec(headerBlock)?.[1] ?? '';
        socket.write(
          'linger\n\nmyevents\n\nevent plain CUSTOM spandsp::rxfaxresult\n\n' +
            'sendmsg\ncall-command: execute\nexecute-app-name: answer\n\n' +
            `sendmsg\ncall-command: execute\nexecute-app-name: rxfax\nexecute-app-arg: ${dir}/${uuid}.tif\n\n`,
        );
      } else if (body.includes('Event-Subclass: spandsp%3A%3Arxfaxresult')) {
        socket.write('exit\n\n');
      }
    });
    socket.on('close', () => {
      inFlightIn--;
      completed++;
      topUp();
    });
  });
  await new Promise<void>((resolve) => faxengine.listen(0, '127.0.0.1', resolve));

  const child = spawn(process.execPath, [...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_PROFILE] : []), '--import', 'tsx', fileURLToPath(import.meta.url), '--child', String((faxengine.address() as AddressInfo).port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ports = await new Promise<{ esl: number; control: number }>((resolve) =>
    child.stdout.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString()) as { esl: number; control: number })),
  );
  const agent = new Agent({ keepAlive: false, maxSockets: 64 });
  const control = (method: string, path: string, body?: unknown): Promise<string> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: ports.control, method, path, agent, headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });

  const pool: Socket[] = [];
  const outstanding = new Set<string>();
  for (let i = 0; i < POOL_SIZE; i++) {
    const socket = connect(ports.esl, '127.0.0.1');
    onFrames(socket, (headerBlock, body) => {
      if (headerBlock === 'Content-Type: auth/request') {
        // One connection listens for events, like faxengine's event connection; all send bgapi.
        socket.write(i === 0 ? 'auth ClueCon\n\nevent plain CHANNEL_HANGUP_COMPLETE CUSTOM spandsp::txfaxresult\n\n' : 'auth ClueCon\n\n');
      } else if (body.startsWith('Event-Name: CHANNEL_HANGUP_COMPLETE')) {
        const uuid = /\nUnique-ID: ([^\n]+)/.exec(body)?.[1] ?? '';
        if (!outstanding.delete(uuid)) return;
        inFlightOut--;
        completed++;
        topUp();
      }
    });
    pool.push(socket);
  }
  await new Promise((resolve) => setTimeout(resolve, 200));

  let running = true;
  function topUp(): void {
    if (!running) return;
    while (inFlightIn < CONCURRENT / 2) {
      inFlightIn++;
      started++;
      const call = { from: `+1555${String(started).padStart(7, '0')}`, to: '+15559870000' };
      control('POST', '/calls', call).catch((error: unknown) => {
        process.stderr.write(`control request failed after ${started} calls: ${String(error)}\n`);
        child.kill('SIGKILL');
        process.exit(1);
      });
    }
    while (inFlightOut < CONCURRENT / 2) {
      inFlightOut++;
      started++;
      const socket = pool[started % POOL_SIZE] as Socket;
      outstanding.add(`bench-${started}`);
      socket.write(`bgapi originate {origination_uuid=bench-${started},fax_enable_t38=true}sofia/gateway/gw1/1555${started} &txfax(${document})\n\n`);
    }
  }

  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(inFlightIn + inFlightOut), 100);
  topUp();
  await new Promise((resolve) => setTimeout(resolve, WARMUP_S * 1000));
  const stats = async (): Promise<{ eventsFired: number }> => JSON.parse(await control('GET', '/stats')) as { eventsFired: number };
  const begin = { at: Date.now(), completed, cpu: cpuSeconds(child.pid as number), events: (await stats()).eventsFired, client: process.cpuUsage() };
  samples.length = 0;
  await new Promise((resolve) => setTimeout(resolve, DURATION_S * 1000));
  const end = { at: Date.now(), completed, cpu: cpuSeconds(child.pid as number), events: (await stats()).eventsFired, client: process.cpuUsage(begin.client) };
  running = false;
  clearInterval(sampler);

  const seconds = (end.at - begin.at) / 1000;
  const calls = end.completed - begin.completed;
  const result = {
    concurrentCalls: Math.round(samples.reduce((sum, n) => sum + n, 0) / Math.max(1, samples.length)),
    callsPerSec: Math.round(calls / seconds),
    eventsPerSec: Math.round((end.events - begin.events) / seconds),
    cpuSecondsPerCall: Number(((end.cpu - begin.cpu) / Math.max(1, calls)).toFixed(5)),
    simulatorCpuUtilisation: Number(((end.cpu - begin.cpu) / seconds).toFixed(2)),
    clientCpuUtilisation: Number(((end.client.user + end.client.system) / 1e6 / seconds).toFixed(2)),
    timeScale: TIME_SCALE,
    pagesPerFax: PAGES,
  };
  child.kill('SIGTERM');
  for (const socket of pool) socket.destroy();
  faxengine.close();
  agent.destroy();
  console.log(JSON.stringify(result));
  process.exit(0);
}

if (process.argv.includes('--child')) void runChild();
else void runBench();
