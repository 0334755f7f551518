// What a long history costs (#17): histories of N faxes over 50 tenants and 3 years, generated
// straight into the SQLite event store from real fax streams (captureHistory.ts records one fax
// of each kind through the whole server and the simulator; generateHistory.ts replays them with
// new ids, numbers and times), then measured against `faxengine serve` (compiled, a child process):
// - start-up without a read store (spawn → /readyz 200) and the peak RSS (VmHWM) of catching up;
// - GET /v1/faxes?limit=50 p50/p99, as a tenant user (API key) and as admin, first page and a deep
//   page (the cursor reached by following nextCursor `--deep-pages` times);
// - GET /inbox (the web console's first inbox page, #19) p50/p99, signed in as the tenant user and as admin,
//   and GET /stats?window=30d as admin;
// - /healthz p50/p99 while another process pages the admin list end to end;
// - start-up with the read store present, RSS after `--settle-seconds` idle;
// - `faxengine projections rebuild` (child process): its peak RSS (VmHWM) and time.
// Run: npx tsx test/bench/history.ts [--sizes 100000,1000000] [--settle-seconds 60] [--requests 200]
//      [--deep-pages 100] [--healthz-seconds 10] [--keep]
// One JSON line per size (targets at 1M, #17: tenant p50 < 5 ms, admin p50/p99 < 10/30 ms,
// /healthz p50 < 2 ms while paging, idle RSS < 150 MB, catch-up/rebuild RSS < 300 MB, start-up < 2 s;
// #19: console inbox p99 < 50 ms).
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { createSimulator } from '../../src/sim/simulator.js';
import { freePort } from '../support/freePort.js';
import { seededRandom } from '../support/seededRandom.js';
import { makeTempDir } from '../support/tempDir.js';
import { buildDist, startCompiled, startCompiledServe } from './compiledServer.js';
import { consoleSignIn } from './consoleSignIn.js';
import { compileTemplate, generateHistory } from './generateHistory.js';
import { benchUser, captureHistory } from './captureHistory.js';
import { startPager } from './pagerProcess.js';
import { sampleRssOf, statusMb } from './procStats.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    'settle-seconds': { type: 'string', default: '60' },
    requests: { type: 'string', default: '200' },
    'deep-pages': { type: 'string', default: '100' },
    'healthz-seconds': { type: 'string', default: '10' },
    tenants: { type: 'string', default: '50' },
    keep: { type: 'boolean', default: false },
  },
});
const sizes = args.sizes.split(',').map(Number);
const settleSeconds = Number(args['settle-seconds']);
const requests = Number(args.requests);
const deepPages = Number(args['deep-pages']);
const healthzSeconds = Number(args['healthz-seconds']);
const adminKey = 'bench-admin-key-0123456789';
const adminAuth = `Basic ${Buffer.from(`admin:${adminKey}`).toString('base64')}`;
const YEARS_MS = 3 * 365 * 24 * 3600 * 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN);
};
const log = (text: string) => process.stderr.write(`history: ${text}\n`);

buildDist();
const work = makeTempDir('bench-history');
const eslPort = await freePort();
// faxengine is ready only with FreeSWITCH's event socket up: a simulator stands in for it.
const sim = await createSimulator({ listen: { host: '127.0.0.1', port: eslPort }, timeScale: 0.01 });
/** Server and rebuild processes still running, so a failed measurement leaves none behind. */
const children = new Set<{ child: { exitCode: number | null; kill(signal: NodeJS.Signals): boolean } }>();
try {
  log('recording template faxes through the whole server');
  const templateDir = join(work.path, 'template');
  mkdirSync(templateDir);
  const history = await captureHistory(templateDir, Number(args.tenants));
  const templates = history.templates.map((template) => compileTemplate(template, history));
  const userAuth = `Bearer ${history.apiKey}`;

  for (const size of sizes) {
    const dir = join(work.path, `size-${size}`);
    mkdirSync(dir);
    const eventsPath = join(dir, 'events.sqlite');
    // A clean copy of the provisioned store (tenants, numbers, the user and its key, checkpoints).
    new Database(join(templateDir, 'events.sqlite'), { readonly: true }).exec(`VACUUM INTO '${eventsPath}'`);
    // The template faxes themselves are not part of the history (they happened just now).
    const copy = new Database(eventsPath);
    const dropFax = copy.prepare('DELETE FROM events WHERE stream = ?');
    for (const template of history.templates) dropFax.run(template.events[0]!.stream);
    copy.close();
    if (existsSync(join(templateDir, 'document-link.key'))) copyFileSync(join(templateDir, 'document-link.key'), join(dir, 'document-link.key'));
    const generateStarted = performance.now();
    const now = Date.now() - 3600_000;
    const newest = generateHistory(eventsPath, history, templates, {
      count: size,
      fromMs: now - YEARS_MS,
      toMs: now,
      random: seededRandom(size),
      onProgress: (done) => done % 100_000 === 0 && log(`${size}: ${done} faxes generated`),
    });
    const generateSeconds = (performance.now() - generateStarted) / 1000;
    const events = new Database(eventsPath, { readonly: true }).prepare('SELECT count(*) FROM events').pluck().get() as number;
    log(`${size}: ${events} events in ${generateSeconds.toFixed(1)} s`);

    // 1. No read store: the server catches up on the whole history.
    const cold = await startCompiledServe({ dataDir: dir, eslPort, adminKey });
    children.add(cold);
    const catchUp = sampleRssOf(cold.pid);
    const newestOnTop = async () => {
      const response = await fetch(`${cold.base}/v1/faxes?limit=1`, { headers: { authorization: adminAuth } });
      if (response.status !== 200) return false;
      return ((await response.json()) as { items: Array<{ faxId: string }> }).items[0]?.faxId === newest;
    };
    while (!(await newestOnTop())) {
      if (performance.now() - cold.spawnedAt > 3600_000) throw new Error('the server did not catch up within an hour');
      await sleep(100);
    }
    const catchUpSeconds = (performance.now() - cold.spawnedAt) / 1000;
    const catchUpPeakRssMb = Math.max(catchUp.stop(), statusMb(cold.pid, 'VmHWM'));
    log(`${size}: caught up in ${catchUpSeconds.toFixed(1)} s`);

    /** `headers`: an API credential, or a console session's cookie (a lost session redirects: no redirect is followed). */
    const timed = async (url: string, headers: { authorization: string } | { cookie: string }) => {
      const latencies: number[] = [];
      for (let index = 0; index < requests; index++) {
        const started = performance.now();
        const response = await fetch(url, { headers, redirect: 'manual' });
        await response.arrayBuffer();
        latencies.push(performance.now() - started);
        if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
      }
      return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
    };
    /** The cursor `deepPages` pages into the list (or the last one short of its end), and how many faxes it skips. */
    const deepCursor = async (authorization: string) => {
      let cursor: string | null = null;
      let reached: { cursor: string; offset: number } | undefined;
      for (let page = 0; page < deepPages; page++) {
        const response = await fetch(`${cold.base}/v1/faxes?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: { authorization } });
        cursor = ((await response.json()) as { nextCursor: string | null }).nextCursor;
        if (!cursor) break;
        reached = { cursor, offset: (page + 1) * 50 };
      }
      return reached ?? { cursor: '', offset: 0 };
    };
    const list = (cursor?: string) => `${cold.base}/v1/faxes?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const tenantFirst = await timed(list(), { authorization: userAuth });
    const tenantDeepCursor = await deepCursor(userAuth);
    const tenantDeep = await timed(list(tenantDeepCursor.cursor), { authorization: userAuth });
    const adminFirst = await timed(list(), { authorization: adminAuth });
    const adminDeepCursor = await deepCursor(adminAuth);
    const adminDeep = await timed(list(adminDeepCursor.cursor), { authorization: adminAuth });
    log(`${size}: list latencies measured`);
    // The console's inbox renders the same keyset page as HTML: the whole request, sign-in excluded.
    const tenantCookie = await consoleSignIn(cold.base, benchUser.username, benchUser.password);
    const adminCookie = await consoleSignIn(cold.base, 'admin', adminKey);
    const tenantInbox = await timed(`${cold.base}/inbox`, { cookie: tenantCookie });
    const adminInbox = await timed(`${cold.base}/inbox`, { cookie: adminCookie });
    // The Statistics page at its widest: 30 days, every tenant (per day, gateway, station and tenant).
    const adminStats = await timed(`${cold.base}/stats?window=30d`, { cookie: adminCookie });
    log(`${size}: console inbox latencies measured`);

    const pager = await startPager(cold.base, adminAuth);
    await sleep(500);
    const healthz: number[] = [];
    const until = performance.now() + healthzSeconds * 1000;
    while (performance.now() < until) {
      const started = performance.now();
      await (await fetch(`${cold.base}/healthz`)).arrayBuffer();
      healthz.push(performance.now() - started);
      await sleep(10);
    }
    const paging = await pager.stop();
    await cold.stop();

    // 2. With the read store the first start left: start-up, then RSS once idle.
    const warm = await startCompiledServe({ dataDir: dir, eslPort, adminKey });
    children.add(warm);
    await sleep(settleSeconds * 1000);
    const idleRssMb = statusMb(warm.pid, 'VmRSS');
    await warm.stop();

    // 3. `faxengine projections rebuild`, with the server stopped as its help says.
    const rebuild = startCompiled(['projections', 'rebuild'], { FAXENGINE_DATA_DIR: dir, FAXENGINE_LOG_LEVEL: 'warn' }, dir);
    children.add(rebuild);
    let rebuildPeakRssMb = 0;
    const hwm = setInterval(() => (rebuildPeakRssMb = Math.max(rebuildPeakRssMb, statusMb(rebuild.pid, 'VmHWM') || 0)), 50);
    const rebuildCode = await rebuild.exited;
    clearInterval(hwm);
    const rebuildSeconds = (performance.now() - rebuild.spawnedAt) / 1000;
    if (rebuildCode !== 0) throw new Error(`projections rebuild exited ${rebuildCode}: ${rebuild.output().slice(-2000)}`);

    console.log(
      JSON.stringify({
        faxes: size,
        tenants: history.tenants.length,
        events,
        eventStoreMb: Math.round(statSync(eventsPath).size / 2 ** 20),
        generateSeconds: round(generateSeconds),
        tenantFirstPageP50Ms: tenantFirst.p50,
        tenantFirstPageP99Ms: tenantFirst.p99,
        tenantDeepPageP50Ms: tenantDeep.p50,
        tenantDeepPageP99Ms: tenantDeep.p99,
        tenantDeepPageOffset: tenantDeepCursor.offset,
        adminFirstPageP50Ms: adminFirst.p50,
        adminFirstPageP99Ms: adminFirst.p99,
        adminDeepPageP50Ms: adminDeep.p50,
        adminDeepPageP99Ms: adminDeep.p99,
        adminDeepPageOffset: adminDeepCursor.offset,
        consoleInboxTenantP50Ms: tenantInbox.p50,
        consoleInboxTenantP99Ms: tenantInbox.p99,
        consoleInboxAdminP50Ms: adminInbox.p50,
        consoleInboxAdminP99Ms: adminInbox.p99,
        consoleStats30dAdminP50Ms: adminStats.p50,
        consoleStats30dAdminP99Ms: adminStats.p99,
        healthzWhilePagingP50Ms: percentile(healthz, 50),
        healthzWhilePagingP99Ms: percentile(healthz, 99),
        pagerRequests: paging.requests,
        pagerP50Ms: paging.p50Ms,
        idleRssMb,
        idleSettleSeconds: settleSeconds,
        catchUpPeakRssMb,
        catchUpSeconds: round(catchUpSeconds),
        rebuildPeakRssMb,
        rebuildSeconds: round(rebuildSeconds),
        startupNoReadStoreMs: Math.round(cold.readyzMs),
        startupWithReadStoreMs: Math.round(warm.readyzMs),
        healthzFirstOkNoReadStoreMs: Math.round(cold.healthzMs),
        healthzFirstOkWithReadStoreMs: Math.round(warm.healthzMs),
      }),
    );
    if (!args.keep) rmSync(dir, { recursive: true, force: true });
  }
} finally {
  for (const { child } of children) if (child.exitCode === null) child.kill('SIGKILL');
  await sim.close();
  if (!args.keep) work.remove();
  else log(`kept ${work.path}`);
}
process.exit();
