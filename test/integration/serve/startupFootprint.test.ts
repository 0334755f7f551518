import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator } from '../../../src/sim/simulator.js';
import { startServe } from '../../support/serveProcess.js';
import { makeTempDir } from '../../support/tempDir.js';

// Records every module the process loads into TRACE_LOADS: ESM and the CommonJS packages it
// imports (a loader hook), and what is require()d at run time (`require:<name>`), which no loader
// hook sees.
const traceHook = `
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) { appendFileSync(process.env.TRACE_LOADS, url + '\\\\n'); return next(url, context); }
\`));
const Module = createRequire(import.meta.url)('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  appendFileSync(process.env.TRACE_LOADS, 'require:' + request + '\\n');
  return load.call(this, request, ...rest);
};
`;

describe('what faxengine serve loads at start on the embedded defaults (#17: idle memory)', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** The modules and `require:` calls of `faxengine serve` (from source, or `built`) up to its listeners being up. */
  async function loadsOfServe(built: boolean): Promise<string[]> {
    const dir = makeTempDir('startup-footprint');
    cleanups.push(dir.remove);
    const hook = join(dir.path, 'traceLoads.mjs');
    const trace = join(dir.path, 'loads.txt');
    writeFileSync(hook, traceHook);
    writeFileSync(trace, '');
    const sim = await createSimulator({ listen: { host: '127.0.0.1', port: 0 } });
    cleanups.push(() => sim.close());
    const serve = await startServe({ dataDir: dir.path, eslPort: sim.eslAddress.port, built, env: { NODE_OPTIONS: `--import=${pathToFileURL(hook).href}`, TRACE_LOADS: trace } });
    cleanups.push(() => serve.cli.child.kill('SIGKILL'));
    return readFileSync(trace, 'utf8').split('\n').filter(Boolean);
  }
  const unloadedPackages = /\/node_modules\/(kafkajs|nodemailer|pg|@kurrent|libphonenumber-js)\/|^require:(kafkajs|nodemailer|pg|libphonenumber-js)$/;

  it('leaves the simulator, the other commands, kafkajs (no brokers), nodemailer (no SMTP) and libphonenumber (no number beyond North America yet) unloaded', async () => {
    const loaded = await loadsOfServe(false);
    // The trace works: the server's own modules and the libraries it needs are in it.
    expect(loaded.some((url) => url.endsWith('/src/main.ts'))).toBe(true);
    expect(loaded.some((url) => url.includes('/node_modules/better-sqlite3/'))).toBe(true);
    expect(loaded.some((line) => line.startsWith('require:'))).toBe(true);
    const unwanted = loaded.filter((url) => unloadedPackages.test(url) || /\/src\/sim\/|\/src\/commands\/(demo|send|projections|faxApiClient)/.test(url));
    expect(unwanted).toEqual([]);
  });

  it('does the same from the bundled build: what is loaded on demand stays in chunks of its own, not loaded', async () => {
    const loaded = await loadsOfServe(true);
    const chunks = loaded.filter((url) => url.includes('/dist/bundle/'));
    expect(chunks.some((url) => /\/dist\/bundle\/serveCommand-\w+\.js$/.test(url))).toBe(true);
    expect(loaded.some((url) => url.includes('/node_modules/better-sqlite3/'))).toBe(true);
    const unwanted = loaded.filter((url) => unloadedPackages.test(url) || /\/dist\/bundle\/(simCli|demoCommand|sendCommand|projectionsCommand|verifyCommand|accessCommand|kafkaBus|kurrentDb\w+|postgres\w+|smtpMailer)-\w+\.js$/.test(url));
    expect(unwanted).toEqual([]);
  });
});
