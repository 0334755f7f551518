import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { hostPort } from '../config/schema.js';
import { processIo, UsageError, type CommandIo } from './commandIo.js';
import { ApiError, createFaxApiClient, type FaxApiClient } from './faxApiClient.js';
import { followFax, succeeded } from './faxProgress.js';
import { provisionDemo, type DemoTenant } from './demoProvisioning.js';
import { demo, startDemoStack, type DemoStack } from './demoStack.js';
import { writeSamplePdf } from './samplePdf.js';
import { submitFax } from './sendCommand.js';

export const demoHelp = `Usage: faxengine demo [options]

Starts faxengine and the FreeSWITCH simulator together on free ports, sets up a demo tenant
through the admin API, receives a fax from the (simulated) carrier and sends one out, printing
each step and where to look. Then it keeps running, so you can try the API, until Ctrl-C.
Needs ghostscript and libtiff-tools, like the server.

Options:
  --exit                 stop after the demo instead of running on
  --data-dir <dir>       keep the data there (default: a temporary directory, removed on exit)
  --listen <host:port>   the API (default 127.0.0.1:0, a free port)
  --time-scale <factor>  simulated call durations × factor (default 0.05; 1 = real time)
  --verbose              show faxengine's log at info level (default: errors only)
  -h, --help             show this help

Exit status: 0 when the fax came in and the fax went out, 1 when either did not, 2 on bad usage.`;

const options = {
  exit: { type: 'boolean' },
  'data-dir': { type: 'string' },
  listen: { type: 'string' },
  'time-scale': { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `faxengine demo`: the fastest way to see a fax come in and go out. */
export async function runDemoCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  let settings: { exit: boolean; dataDir?: string; listen: string; timeScale: number; verbose: boolean };
  try {
    const { values } = parseArgs({ args: argv, options });
    if (values.help) {
      io.out(demoHelp);
      return 0;
    }
    const timeScale = Number(values['time-scale'] ?? 0.05);
    if (!(timeScale > 0)) throw new UsageError(`--time-scale: expected a number > 0, got "${values['time-scale']}"`);
    const listen = values.listen ?? '127.0.0.1:0';
    const checked = hostPort.safeParse(listen);
    if (!checked.success) throw new UsageError(`--listen: ${checked.error.issues[0]?.message ?? 'expected host:port'}, got "${listen}"`);
    settings = { exit: values.exit ?? false, listen, timeScale, verbose: values.verbose ?? false };
    if (values['data-dir'] !== undefined) settings.dataDir = resolve(values['data-dir']);
  } catch (error) {
    io.err(`faxengine demo: ${(error as Error).message}`);
    io.err('see `faxengine demo --help`');
    return 2;
  }

  const temporary = settings.dataDir === undefined;
  const dataDir = settings.dataDir ?? mkdtempSync(join(tmpdir(), 'faxengine-demo-'));
  mkdirSync(dataDir, { recursive: true });
  // Ctrl-C during the demo stops it cleanly too, so the handler is there from the start.
  let stop: () => void = () => undefined;
  const interrupted = new Promise<'interrupted'>((resolve) => (stop = () => resolve('interrupted')));
  process.once('SIGINT', stop).once('SIGTERM', stop);
  io.out(`faxengine demo: starting faxengine and the FreeSWITCH simulator (data in ${dataDir}${temporary ? ', removed on exit' : ''})`);
  let stack: DemoStack | undefined;
  try {
    stack = await startDemoStack({ dataDir, httpListen: settings.listen, timeScale: settings.timeScale, logLevel: settings.verbose ? 'info' : 'error' });
    const outcome = await Promise.race([runDemo(stack, dataDir, io), interrupted]);
    if (outcome === 'interrupted') return 130;
    if (settings.exit) return outcome ? 0 : 1;
    io.out('');
    io.out('faxengine keeps running; Ctrl-C to stop.');
    await interrupted;
    return outcome ? 0 : 1;
  } catch (error) {
    io.err(`faxengine demo: ${(error as Error).message}`);
    return 1;
  } finally {
    process.off('SIGINT', stop).off('SIGTERM', stop);
    io.out('stopping…');
    await stack?.close();
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The steps, printed as they happen; true when both faxes made it. */
async function runDemo(stack: DemoStack, dataDir: string, io: CommandIo): Promise<boolean> {
  const { baseUrl } = stack;
  const admin = createFaxApiClient({ baseUrl, credentials: { kind: 'basic', user: 'admin', password: stack.adminKey } });
  const say = (line: string) => io.out(`   ${line}`);
  io.out(`   API             ${baseUrl}  (docs: ${baseUrl}/docs)`);
  io.out(`   simulator       ESL 127.0.0.1:${stack.sim.eslAddress.port}, calls to faxengine on 127.0.0.1:${stack.server.socketAddress.port}`);

  io.out('');
  io.out('Setting up through the admin API…');
  const tenant = await provisionDemo(admin, { username: 'demo', password: `demo-${randomBytes(6).toString('hex')}` });
  say(`tenant ${tenant.tenantId} owns ${demo.number}; user ${tenant.username} / ${tenant.password}`);
  say(`upstream gateway ${demo.gateway} (calls from ${demo.gatewayIp} are accepted; faxes go out through it)`);
  const user = createFaxApiClient({ baseUrl, credentials: { kind: 'basic', user: tenant.username, password: tenant.password } });

  io.out('');
  io.out(`1. Receiving: the carrier calls ${demo.number} from ${demo.remote}, a fax machine with ${demo.remotePages} pages`);
  const call = stack.sim.startInboundCall({ from: demo.remote, to: demo.number, gateway: demo.gateway });
  const inboundId = await faxOfCall(admin, call.uuid);
  say(`fax ${inboundId}`);
  const inbound = await followFax(admin, inboundId, { print: say, intervalMs: 100 });
  if (inbound.end === 'received') say(`document: ${baseUrl}/v1/faxes/${inboundId}/document  (PDF; TIFF with Accept: image/tiff)`);

  io.out('');
  const pdf = join(dataDir, 'demo-sample.pdf');
  await writeSamplePdf(pdf, { pages: 2, title: 'faxengine demo', lines: [`from ${demo.number} to ${demo.remote}`, `sent ${new Date().toISOString()}`] });
  io.out(`2. Sending: ${pdf} (2 pages) from ${demo.number} to ${demo.remote} as user ${tenant.username}`);
  const submitted = await submitFax(user, { to: demo.remote, from: demo.number, files: [pdf], headerText: 'faxengine demo' });
  say(`fax ${submitted.id}`);
  const outbound = await followFax(user, submitted.id, { print: say, intervalMs: 100 });

  printWhereToLook(io, stack, tenant, inboundId, submitted.id);
  return succeeded(inbound.end) && succeeded(outbound.end);
}

/** The fax a simulated call became: the original's status route finds it by call UUID once projected. */
async function faxOfCall(admin: FaxApiClient, callUuid: string): Promise<string> {
  const giveUpAt = Date.now() + 15_000;
  while (Date.now() < giveUpAt) {
    try {
      return (await admin.json<{ faxId: string }>('GET', `/fax/status?uuid=${encodeURIComponent(callUuid)}`)).faxId;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the simulated call ${callUuid} never showed up as a fax`);
}

function printWhereToLook(io: CommandIo, stack: DemoStack, tenant: DemoTenant, inboundId: string, outboundId: string): void {
  const { baseUrl } = stack;
  const auth = `-u ${tenant.username}:${tenant.password}`;
  const control = `http://${stack.control.address.host}:${stack.control.address.port}`;
  io.out('');
  io.out('Where to look:');
  io.out(`   API docs          ${baseUrl}/docs  (OpenAPI: ${baseUrl}/openapi.json)`);
  io.out(`   faxes             curl ${auth} ${baseUrl}/v1/faxes`);
  io.out(`   received fax      curl ${auth} -o received.pdf ${baseUrl}/v1/faxes/${inboundId}/document`);
  io.out(`   its history       curl ${auth} ${baseUrl}/v1/faxes/${inboundId}/events`);
  io.out(`   sent fax          curl ${auth} ${baseUrl}/v1/faxes/${outboundId}`);
  io.out(`   send another      faxengine send --url ${baseUrl} --user ${tenant.username} --password ${tenant.password} --from ${demo.number} --to ${demo.remote} <file.pdf>`);
  io.out(`   receive another   curl -XPOST ${control}/calls -d '{"from":"${demo.remote}","to":"${demo.number}","gateway":"${demo.gateway}"}'`);
  io.out(`   admin API         curl -u admin:${stack.adminKey} ${baseUrl}/v1/tenants`);
}
