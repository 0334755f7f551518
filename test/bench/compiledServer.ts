import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { freePort } from '../support/freePort.js';

const root = new URL('../../', import.meta.url).pathname;
// The published entry point: it runs the bundle, dist/bundle/cli.js.
const cli = `${root}bin/faxengine.js`;
// BENCH_UNBUNDLED=1 runs tsc's dist/src instead of the minified bundle, so that CPU profiles name
// every function (the bundle keeps names for stack traces, but V8's profiler shows the minified ones).
const entry = process.env.BENCH_UNBUNDLED === '1' ? `${root}test/bench/unbundledCli.mjs` : cli;

/**
 * Builds the server as `npm run build` does (`tsc -p tsconfig.build.json` into dist/, then the
 * bundle, esbuild.config.mjs), so the benches measure what `faxengine serve` runs in production: no
 * TypeScript loader in the process, its memory or its start-up.
 * BENCH_NO_BUILD=1 skips it when dist/ is known to be current.
 */
export function buildDist(): void {
  if (process.env.BENCH_NO_BUILD === '1') return;
  execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.build.json`], { stdio: 'inherit' });
  execFileSync(process.execPath, [`${root}esbuild.config.mjs`], { stdio: 'inherit', cwd: root });
}

export interface CompiledProcess {
  child: ChildProcessWithoutNullStreams;
  pid: number;
  /** When it was spawned (performance.now()). */
  spawnedAt: number;
  output(): string;
  exited: Promise<number | null>;
}

/** `node bin/faxengine.js <args>` (the built CLI) with exactly `env` (plus PATH). */
export function startCompiled(args: string[], env: NodeJS.ProcessEnv, cwd: string): CompiledProcess {
  const spawnedAt = performance.now();
  // BENCH_NODE_ARGS go to the server's node only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, entry, ...args], { cwd, env: { PATH: process.env.PATH, ...env } });
  let out = '';
  // Keep the tail only: a long run logs a lot, and only the last lines explain a failure.
  const keep = (chunk: Buffer) => (out = (out + chunk.toString()).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, pid: child.pid!, spawnedAt, output: () => out, exited };
}

export interface ServeProcess extends CompiledProcess {
  base: string;
  socketPort: number;
  /** spawn → the first 200 of /healthz, of /readyz. */
  healthzMs: number;
  readyzMs: number;
  stop(): Promise<void>;
}

/**
 * `faxengine serve` (compiled) on `dataDir`, its HTTP and socket listeners on ports picked here so
 * its start can be timed from the spawn; answers once `/readyz` says 200 (needs FreeSWITCH, i.e. a
 * simulator, listening on `eslPort`).
 */
export async function startCompiledServe(options: { dataDir: string; eslPort: number; adminKey: string; socketPort?: number; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<ServeProcess> {
  const [httpPort, socketPort] = [await freePort(), options.socketPort ?? (await freePort())];
  const base = `http://127.0.0.1:${httpPort}`;
  const serve = startCompiled(['serve'], {
    FAXENGINE_DATA_DIR: options.dataDir,
    FAXENGINE_HTTP_LISTEN: `127.0.0.1:${httpPort}`,
    FAXENGINE_SOCKET_LISTEN: `127.0.0.1:${socketPort}`,
    FAXENGINE_FREESWITCH_ESL: `127.0.0.1:${options.eslPort}`,
    FAXENGINE_ADMIN_API_KEY: options.adminKey,
    FAXENGINE_LOG_LEVEL: 'warn',
    ...options.env,
  }, options.dataDir);
  let healthzMs = NaN;
  let readyzMs = NaN;
  const deadline = serve.spawnedAt + (options.timeoutMs ?? 600_000);
  while (Number.isNaN(readyzMs)) {
    if (serve.child.exitCode !== null) throw new Error(`faxengine serve exited (${serve.child.exitCode}): ${serve.output().slice(-2000)}`);
    if (performance.now() > deadline) {
      serve.child.kill('SIGKILL');
      throw new Error(`faxengine serve not ready in time: ${serve.output().slice(-2000)}`);
    }
    if (Number.isNaN(healthzMs) && (await status(`${base}/healthz`)) === 200) healthzMs = performance.now() - serve.spawnedAt;
    if ((await status(`${base}/readyz`)) === 200) readyzMs = performance.now() - serve.spawnedAt;
    else await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (Number.isNaN(healthzMs)) healthzMs = readyzMs;
  return {
    ...serve,
    base,
    socketPort,
    healthzMs,
    readyzMs,
    async stop() {
      if (serve.child.exitCode === null) serve.child.kill('SIGTERM');
      const timer = setTimeout(() => serve.child.kill('SIGKILL'), 30_000);
      await serve.exited;
      clearTimeout(timer);
    },
  };
}

async function status(url: string): Promise<number> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}
