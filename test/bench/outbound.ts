// Outbound dispatch: 1,000 queued faxes (2 pages each) through the send path to a simulator in a
// child process (timeScale 0.01) with a limit of 100 channels. Dispatch latency is measured from
// the moment a fax may dial (queued with a channel free, or its channel granted later) to its
// originate being written to FreeSWITCH's event socket. Run: npx tsx test/bench/outbound.ts
// Last line: {"faxesPerSec","dispatchP50Ms","dispatchP99Ms","cpuSecondsPerFax","peakRssMb"} (target p99 < 10).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import { createFileDocumentStore } from '../../src/adapters/documents/fileDocumentStore.js';
import { createFaxDialerPool } from '../../src/adapters/esl/faxDialerPool.js';
import { createSqliteEventStore } from '../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import type { FaxQueuedData } from '../../src/domain/outbound/outboundFaxEvents.js';
import { defaultSendPolicy } from '../../src/domain/outbound/sendPolicy.js';
import { faxStream } from '../../src/domain/streams.js';
import { systemClock } from '../../src/ports/clock.js';
import type { FaxDialer } from '../../src/ports/faxDialer.js';
import { createChannelScheduler } from '../../src/runtime/channelScheduler.js';
import { createOutboundFaxRuntime } from '../../src/runtime/outboundFaxRuntime.js';
import { makeFaxTiff } from '../support/faxFixtures.js';
import { makeTempDir } from '../support/tempDir.js';
import { tsxLoader } from '../support/tsxLoader.js';

const FAXES = Number(process.env.BENCH_FAXES ?? 1000);
const CHANNELS = 100;

const eslPort = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as { port: number };
    probe.close(() => resolve(port));
  });
});
const child = spawn(process.execPath, ['--import', tsxLoader, new URL('./outboundSimChild.ts', import.meta.url).pathname, String(eslPort), '0.01'], { stdio: ['pipe', 'pipe', 'inherit'] });
await new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve()));

const dir = makeTempDir('bench-outbound');
const eventStore = createSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
const documents = createFileDocumentStore(join(dir.path, 'documents'));
await makeFaxTiff(join(dir.path, 'doc.tif'), 2);
const document = await documents.putTiff(join(dir.path, 'doc.tif'));
const logger = pino({ level: 'warn' });

// When each fax may dial, and when its originate went out.
const mayDialAt = new Map<string, number>();
const originatedAt = new Map<string, number>();
const faxOfCall = new Map<string, string>();
const pool = createFaxDialerPool({ host: '127.0.0.1', port: eslPort, password: 'ClueCon', logger, size: 2 });
const dialer: FaxDialer = {
  ...pool,
  originate(request, onSignal) {
    originatedAt.set(faxOfCall.get(request.callUuid) ?? request.callUuid, performance.now());
    return pool.originate(request, onSignal);
  },
};
const scheduler = createChannelScheduler({ maxChannels: CHANNELS });
const timedScheduler: typeof scheduler = {
  ...scheduler,
  request: (request) =>
    scheduler.request({
      ...request,
      grant: () => {
        mayDialAt.set(request.faxId, Math.max(mayDialAt.get(request.faxId) ?? 0, performance.now()));
        request.grant();
      },
    }),
};
const runtime = createOutboundFaxRuntime({
  eventStore,
  dialer,
  scheduler: timedScheduler,
  documentFile: (documentId) => documents.openPlainFile(documentId, 'image/tiff'),
  gatewaysFor: () => ['carrier1'],
  policyFor: () => defaultSendPolicy,
  transportFor: () => ({ ecm: true, v17: true, t38: false }),
  t38RequestFor: () => false,
  unfinishedFaxIds: () => [],
  useModDbOverrides: false,
  clock: systemClock,
  logger,
});
await pool.ready();
// The call uuid is drawn when the channel is granted; map it to its fax through the attempt event.
const unsubscribe = eventStore.subscribeToAll({
  streamPrefixes: ['fax-'],
  handler: (event) => {
    if (event.type === 'FaxSendAttemptStarted') faxOfCall.set((event.data as { callUuid: string }).callUuid, (event.data as { faxId: string }).faxId);
  },
});

const ids = Array.from({ length: FAXES }, () => randomUUID());
for (const faxId of ids) {
  const queued: FaxQueuedData = {
    faxId,
    direction: 'outbound',
    tenantId: `tenant-${faxId.charCodeAt(0) % 10}`,
    to: `+1555${String(1_000_000 + ids.indexOf(faxId)).slice(-7)}`,
    from: '+15551230000',
    resolution: 'fine',
    pageSize: 'letter',
    files: [{ name: 'doc.tif', contentType: 'image/tiff', bytes: document.bytes }],
    submittedBy: { kind: 'admin' },
    queuedAt: new Date().toISOString(),
  };
  await eventStore.append(faxStream(faxId), [
    { type: 'FaxQueued', data: queued },
    { type: 'FaxDocumentPrepared', data: { faxId, documentId: document.id, pages: document.pages } },
  ]);
}

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const cpuBefore = process.cpuUsage();
const started = performance.now();
for (const faxId of ids) {
  mayDialAt.set(faxId, performance.now());
  runtime.queued(faxId);
}
while (runtime.activeFaxIds().length > 0 || originatedAt.size < FAXES) await new Promise((resolve) => setTimeout(resolve, 20));
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
clearInterval(sampler);

// The originate hook sees the call uuid before the attempt event is read: resolve late mappings now.
const latencies: number[] = [];
for (const [key, at] of originatedAt) {
  const faxId = mayDialAt.has(key) ? key : faxOfCall.get(key);
  if (faxId && mayDialAt.has(faxId)) latencies.push(at - mayDialAt.get(faxId)!);
}
latencies.sort((a, b) => a - b);
const percentile = (p: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN) * 100) / 100;
const sent = (await eventStore.readAll({ streamPrefixes: ['fax-'] })).filter((event) => event.type === 'FaxSent').length;
console.log(`sent ${sent} of ${FAXES} faxes in ${seconds.toFixed(1)} s with ${CHANNELS} channels; ${latencies.length} dispatches measured`);
console.log(
  JSON.stringify({
    faxesPerSec: Math.round((sent / seconds) * 10) / 10,
    dispatchP50Ms: percentile(50),
    dispatchP99Ms: percentile(99),
    cpuSecondsPerFax: Math.round(((cpu.user + cpu.system) / 1e6 / FAXES) * 10000) / 10000,
    peakRssMb: Math.round(peakRss / 1024 / 1024),
  }),
);
await unsubscribe.stop();
await runtime.stop();
await pool.close();
await eventStore.close();
child.stdin.end('stop\n');
dir.remove();
if (sent !== FAXES) process.exitCode = 1;
process.exit();
