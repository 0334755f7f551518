import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startCli, type CliProcess } from '../cliProcess.js';
import { makeTempDir } from '../tempDir.js';
import { eventName, type FsEvent } from './eslConnection.js';
import { startFreeswitch, type FreeswitchProcess } from './freeswitchProcess.js';
import { remoteExtensions, writeRemoteConf } from './remoteConf.js';
import { writeShippedConf } from './shippedConf.js';
import { jsonApi } from '../jsonApi.js';
import { freePort } from '../freePort.js';

type Json = Record<string, any>;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds (generous deadlines: real faxes take 20 s and the machine is shared). */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** The tenant's number (as the remote dials it) and the number faxes are sent from. */
export const TENANT_NUMBER = '5551230000';
/** Remote numbers are 555-987-<extension>: the remote FreeSWITCH routes on the last four digits. */
export const remoteNumber = (extension: string) => `555987${extension}`;

/**
 * Two real FreeSWITCH processes on 127.0.0.1 with faxengine (`serve`, a child process that can be
 * SIGKILLed and restarted on the same data and ports) between them:
 * - `faxengineFs`: the repository's `freeswitch/` as shipped, with the operator's values set; its
 *   carrier gateway `carrier1` is the remote;
 * - `remote`: the carrier and the remote fax machines (see `writeRemoteConf`).
 * Both keep every channel and spandsp event they emit, for the test to look at.
 */
export async function startRealFaxRig(options: { binary: string; modDir?: string; ringMs: number }) {
  const cleanups: Array<() => unknown> = [];
  const temp = makeTempDir('realfs');
  const dir = temp.path;
  const dataDir = join(dir, 'faxengine');
  const spoolDir = join(dataDir, 'spool');
  const remoteRxDir = join(dir, 'remote-rx');
  for (const path of [dataDir, spoolDir, remoteRxDir]) mkdirSync(path, { recursive: true });
  const [carriersPort, pbxesPort, faxengineEsl, remoteSip, remoteEsl, socketPort] = await Promise.all(Array.from({ length: 6 }, freePort));
  // Separate RTP ranges, away from other tests' ports; each process allocates within its own.
  const rtpBase = 20_000 + 1000 * Math.floor(Math.random() * 20);
  const password = `realfs-${randomUUID().slice(0, 8)}`;

  writeShippedConf(join(dir, 'fs-faxengine/conf'), {
    faxengineSocket: `127.0.0.1:${socketPort}`,
    spoolDir,
    sipIp: '127.0.0.1',
    carriersSipPort: carriersPort!,
    pbxesSipPort: pbxesPort!,
    eslPort: faxengineEsl!,
    eslPassword: password,
    rtpPorts: { start: rtpBase, end: rtpBase + 499 },
    carrierProxy: `127.0.0.1:${remoteSip}`,
  });
  writeRemoteConf(join(dir, 'fs-remote/conf'), {
    sipPort: remoteSip!,
    eslPort: remoteEsl!,
    eslPassword: password,
    rtpPorts: { start: rtpBase + 500, end: rtpBase + 999 },
    faxengineCarriers: `127.0.0.1:${carriersPort}`,
    rxDir: remoteRxDir,
    ringMs: options.ringMs,
  });

  const processes: FreeswitchProcess[] = [];
  cleanups.push(async () => {
    await Promise.all(processes.map((fs) => fs.stop()));
  });
  const startOne = (name: 'fs-faxengine' | 'fs-remote') =>
    startFreeswitch({
      name,
      binary: options.binary,
      modDir: options.modDir,
      confDir: join(dir, name, 'conf'),
      baseDir: join(dir, name),
      eslPort: name === 'fs-faxengine' ? faxengineEsl! : remoteEsl!,
      password,
    });
  const started = await Promise.allSettled((['fs-faxengine', 'fs-remote'] as const).map(startOne));
  for (const result of started) if (result.status === 'fulfilled') processes.push(result.value);
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    temp.remove();
    throw (failed as PromiseRejectedResult).reason;
  }
  let faxengineFs = processes[0]!;
  const remote = processes[1]!;
  const faxengineFsEventNames = 'CHANNEL_CREATE CHANNEL_ANSWER CHANNEL_HANGUP_COMPLETE CUSTOM spandsp::rxfaxpageresult spandsp::rxfaxresult spandsp::txfaxresult';
  await faxengineFs.esl.subscribe(faxengineFsEventNames);
  await remote.esl.subscribe('CHANNEL_CREATE CHANNEL_ANSWER CHANNEL_HANGUP_COMPLETE CUSTOM spandsp::txfaxpageresult spandsp::txfaxresult spandsp::rxfaxpageresult spandsp::rxfaxresult');

  const adminKey = 'realfs-admin-key-0123456789abcdef';
  const admin = `Basic ${Buffer.from(`admin:${adminKey}`).toString('base64')}`;

  async function serve(extraEnv: Record<string, string> = {}): Promise<{ cli: CliProcess; http: number }> {
    const cli = startCli(['serve'], {
      cwd: dataDir,
      env: {
        FAXENGINE_DATA_DIR: dataDir,
        FAXENGINE_HTTP_LISTEN: '127.0.0.1:0',
        FAXENGINE_SOCKET_LISTEN: `127.0.0.1:${socketPort}`,
        FAXENGINE_FREESWITCH_ESL: `127.0.0.1:${faxengineEsl}`,
        FAXENGINE_FREESWITCH_PASSWORD: password,
        FAXENGINE_ADMIN_API_KEY: adminKey,
        FAXENGINE_LOG_LEVEL: 'info',
        // The remote refuses T.38 (its extensions under test are G.711). faxengine's own re-INVITE
        // would be refused too, and on a loaded machine the refused re-INVITE in the middle of the
        // fax broke T.30 in some runs (result 13, "unexpected message"): keep it out of G.711 tests.
        FAXENGINE_FAX_T38_UPSTREAM_REQUEST: 'false',
        // A G.711 attempt that spandsp loses to a starved CPU is retried in seconds, not minutes.
        FAXENGINE_SEND_FAILURE_RETRY_DELAY_MS: '5000',
        ...extraEnv,
      },
    });
    cleanups.push(() => cli.child.kill('SIGKILL'));
    await cli.waitForLine((line) => line.includes('accepting FreeSWITCH outbound sockets'), 60_000);
    const line = await cli.waitForLine((text) => text.includes('HTTP API listening'), 60_000);
    return { cli, http: Number((JSON.parse(line) as { address: string }).address.split(':').at(-1)) };
  }
  let server = await serve();

  const call = jsonApi(() => `http://127.0.0.1:${server.http}`, admin);

  /** Tenant Acme with TENANT_NUMBER, a user, and the carrier (the remote, calling from 127.0.0.1) as upstream gateway. */
  async function provision(): Promise<{ user: string }> {
    const tenant = await call('POST', '/v1/tenants', { name: 'Acme' });
    await call('POST', `/v1/tenants/${tenant.id}/numbers`, { number: TENANT_NUMBER });
    await call('POST', `/v1/tenants/${tenant.id}/users`, { username: 'acme', password: 'acme password' });
    await call('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['127.0.0.1'], role: 'upstream' } });
    // The remote's G.711 stations refuse T.38: tell faxengine so as an operator would, with the
    // original's mod_db per-destination override, so its calls do not re-INVITE to T.38 mid-fax.
    // And the one that takes T.38 gets faxengine's re-INVITE, which the setting above keeps from
    // every other call (sending follows it since ec4ba50): the remote never asks for T.38 itself.
    const overrides = [
      ...[remoteExtensions.rxAudio, remoteExtensions.rxAfterRinging].map((extension) => `override-+1${remoteNumber(extension)}/fax_enable_t38/false`),
      `override-+1${remoteNumber(remoteExtensions.rxT38)}/fax_enable_t38_request/true`,
    ];
    for (const override of overrides) {
      const reply = await faxengineFs.esl.api(`db insert/${override}`);
      if (!reply.startsWith('+OK')) throw new Error(`mod_db override: ${reply}`);
    }
    return { user: `Basic ${Buffer.from('acme:acme password').toString('base64')}` };
  }

  /** POST /v1/faxes of a PDF to `to`, with extra form fields; answers the fax id. */
  async function submit(user: string, to: string, pdf: Uint8Array, fields: Record<string, string> = {}): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'letter.pdf');
    form.append('to', to);
    form.append('from', TENANT_NUMBER);
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    const res = await fetch(`http://127.0.0.1:${server.http}/v1/faxes`, { method: 'POST', headers: { authorization: user }, body: form });
    if (res.status !== 202) throw new Error(`POST /v1/faxes: ${res.status} ${await res.text()}`);
    return ((await res.json()) as Json).id as string;
  }

  const fax = (faxId: string) => call('GET', `/v1/faxes/${faxId}`);

  /** Waits until the fax has ended and left its transient states; answers its view. */
  async function finalFax(faxId: string, timeoutMs = 180_000): Promise<Json> {
    let view: Json = {};
    await until(`fax ${faxId} to end`, async () => {
      view = await fax(faxId);
      return view.ended === true && !['queued', 'dialing', 'sending', 'retrying', 'receiving'].includes(String(view.status));
    }, timeoutMs);
    return view;
  }

  /** The remote calls TENANT_NUMBER through the carrier and sends `tiff` with txfax (G.711 unless `t38`); answers its call's uuid. */
  async function remoteSendsFax(tiff: string, callerNumber: string, options: { t38?: boolean } = {}): Promise<string> {
    const uuid = randomUUID();
    // With t38 the remote re-INVITEs to T.38 itself (faxengine requests none on received calls here).
    const t38 = options.t38 === true;
    const variables = [`origination_uuid=${uuid}`, `origination_caller_id_number=${callerNumber}`, 'fax_ident=REMOTE-TX', `fax_enable_t38=${t38}`, `fax_enable_t38_request=${t38}`];
    await remote.esl.bgapi(`originate {${variables.join(',')}}sofia/gateway/tofaxengine/${TENANT_NUMBER} &txfax(${tiff})`);
    return uuid;
  }

  const of = (events: FsEvent[], name: string, uuid?: string) => events.filter((event) => eventName(event) === name && (uuid === undefined || event['Unique-ID'] === uuid));
  /** The calls faxengine placed to the remote's `extension`, as the remote saw them arrive. */
  const remoteCallsTo = (extension: string) =>
    of(remote.esl.events, 'CHANNEL_CREATE').filter((event) => event['Call-Direction'] === 'inbound' && (event['Caller-Destination-Number'] ?? '').endsWith(extension));

  return {
    dir,
    dataDir,
    spoolDir,
    remoteRxDir,
    /** faxengine's FreeSWITCH (another process after `crashFaxengineFs`). */
    get faxengineFs(): FreeswitchProcess {
      return faxengineFs;
    },
    /** SIGKILLs faxengine's FreeSWITCH, its calls dying with it (no hang-up, no hook), and starts it again on the same configuration, database and ports. */
    async crashFaxengineFs(): Promise<void> {
      await faxengineFs.kill();
      const again = await startOne('fs-faxengine');
      processes[processes.indexOf(faxengineFs)] = again;
      faxengineFs = again;
      await faxengineFs.esl.subscribe(faxengineFsEventNames);
    },
    remote,
    /**
     * Aborts faxengine's event-socket connections to its FreeSWITCH (`ss -K`: both processes stay
     * up, as when a network between them fails); the test's own connection stays. Answers how many were cut.
     */
    cutFaxengineEsl: (): number => abortConnections(`dport = :${faxengineEsl} and sport != :${faxengineFs.esl.localPort}`),
    /** Aborts the outbound-socket connections FreeSWITCH opened to faxengine for calls (the listener stays). Answers how many were cut. */
    cutCallSockets: (): number => abortConnections(`sport = :${socketPort}`),
    call,
    provision,
    submit,
    fax,
    finalFax,
    remoteSendsFax,
    remoteCallsTo,
    /** spandsp's rxfaxresult events on the remote for calls to `extension`. */
    remoteRxResults: (extension: string) => {
      const calls = new Set(remoteCallsTo(extension).map((event) => event['Unique-ID']));
      return of(remote.esl.events, 'spandsp::rxfaxresult').filter((event) => calls.has(event['Unique-ID']));
    },
    /** The remote's own channel events of one call. */
    remoteEvents: (name: string, uuid: string) => of(remote.esl.events, name, uuid),
    /** The faxengine FreeSWITCH's channel events. */
    faxengineFsEvents: (name: string) => of(faxengineFs.esl.events, name),
    remoteReceivedFiles: () => readdirSync(remoteRxDir).filter((name) => name.endsWith('.tif')),
    /** The running faxengine (its output, its exit). */
    process: (): CliProcess => server.cli,
    /** The running faxengine's HTTP port. */
    httpPort: (): number => server.http,
    async kill(): Promise<void> {
      server.cli.child.kill('SIGKILL');
      await server.cli.exited;
    },
    /** Starts faxengine again if it is not running (a scenario that failed between kill and restart). */
    async ensureRunning(): Promise<void> {
      if (server.cli.child.exitCode === null && server.cli.child.signalCode === null) return;
      server = await serve();
    },
    /** SIGTERM, as a service manager stops it: answers its exit code once it has drained and exited. */
    async stop(): Promise<number | null> {
      server.cli.child.kill('SIGTERM');
      return server.cli.exited;
    },
    /** Starts faxengine again on the same data directory and ports (the FreeSWITCH dialplan's socket), `env` added to its settings. */
    async restart(env: Record<string, string> = {}): Promise<void> {
      server = await serve(env);
    },
    remoteExtensions,
    async close(): Promise<void> {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      if (process.env.FAXENGINE_REALFS_KEEP) console.log(`realfs: kept ${dir}`);
      else temp.remove();
    },
  };
}

/** `ss -K` on the established loopback TCP sockets that `filter` selects (needs CAP_NET_ADMIN and a kernel with INET_DIAG_DESTROY). */
function abortConnections(filter: string): number {
  const output = execFileSync('ss', ['-K', '-H', '-t', 'state', 'established', ...filter.split(' ')], { encoding: 'utf8' });
  return output.split('\n').filter((line) => line.trim() !== '').length;
}

export type RealFaxRig = Awaited<ReturnType<typeof startRealFaxRig>>;
