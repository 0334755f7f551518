import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EslConnection } from './eslConnection.js';

export interface FreeswitchProcess {
  name: string;
  child: ChildProcess;
  /** An authenticated ESL connection for the test's own commands and events. */
  esl: EslConnection;
  eslPort: number;
  password: string;
  /** The last lines of its freeswitch.log, for failure messages. */
  logTail(lines?: number): string;
  stop(): Promise<void>;
  /** SIGKILL: no orderly shutdown, no hang-up of its calls (a crash, or the machine losing power). */
  kill(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a real FreeSWITCH on configuration directory `confDir` with its own log, db, run and temp
 * directories under `baseDir` (loopback only, no NAT probing, normal priority). `-nf` keeps it in
 * the foreground as this process's child, so it can be stopped by pid; the module directory is the
 * binary's built-in one unless FREESWITCH_MOD_DIR names another. Resolves once its ESL answers.
 */
export async function startFreeswitch(options: {
  name: string;
  binary: string;
  confDir: string;
  baseDir: string;
  eslPort: number;
  password: string;
  modDir?: string;
  readyTimeoutMs?: number;
}): Promise<FreeswitchProcess> {
  const dirs = Object.fromEntries(['log', 'db', 'run', 'temp'].map((name) => [name, join(options.baseDir, name)]));
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  const args = ['-nc', '-nf', '-nonat', '-np', '-conf', options.confDir, '-log', dirs.log!, '-db', dirs.db!, '-run', dirs.run!, '-temp', dirs.temp!];
  if (options.modDir) args.push('-mod', options.modDir);
  const child = spawn(options.binary, args, { cwd: dirs.run, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  // A test worker that dies must not leave FreeSWITCH running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const logTail = (lines = 40) => {
    let log = '';
    try {
      log = readFileSync(join(dirs.log!, 'freeswitch.log'), 'utf8');
    } catch {
      log = output;
    }
    return log.split('\n').slice(-lines).join('\n');
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  let esl: EslConnection | undefined;
  while (!esl) {
    if (exited) throw new Error(`FreeSWITCH ${options.name} exited during start-up:\n${output}\n${logTail()}`);
    try {
      esl = await EslConnection.open(options.eslPort, options.password);
      // The event socket starts before sofia's profiles are up: wait for them too.
      if (!(await esl.api('sofia status')).includes('RUNNING')) {
        esl.close();
        esl = undefined;
        await sleep(250);
      }
    } catch {
      esl = undefined;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`FreeSWITCH ${options.name} did not answer on ESL port ${options.eslPort}:\n${output}\n${logTail()}`);
      }
      await sleep(250);
    }
  }
  const connected = esl;

  return {
    name: options.name,
    child,
    esl: connected,
    eslPort: options.eslPort,
    password: options.password,
    logTail,
    async stop() {
      if (!exited) {
        // An orderly shutdown first; the reply may never come, as the process ends.
        void connected.api('fsctl shutdown').catch(() => undefined);
        for (const [signal, waitMs] of [[undefined, 15_000], ['SIGTERM', 10_000], ['SIGKILL', 10_000]] as const) {
          if (signal) child.kill(signal);
          await Promise.race([exit, sleep(waitMs)]);
          if (exited) break;
        }
      }
      connected.close();
      process.off('exit', killOnExit);
    },
    async kill() {
      child.kill('SIGKILL');
      await exit;
      connected.close();
      process.off('exit', killOnExit);
    },
  };
}
