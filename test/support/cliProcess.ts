import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { tsxLoader } from './tsxLoader.js';

const entry = new URL('./cliEntry.ts', import.meta.url).pathname;
/** The installed command: the bundled build (`npm run build`). */
const builtEntry = new URL('../../bin/faxengine.js', import.meta.url).pathname;

export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line that satisfies `match`. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

/** Starts `faxengine <args>` from source (or, `built`, as installed) in a child process with exactly the given environment. */
export function startCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; built?: boolean } = {}): CliProcess {
  const child = spawn(process.execPath, [...(options.built ? [builtEntry] : ['--import', tsxLoader, entry]), ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, ...options.env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLine(match, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching line in time; stdout:\n${out}\nstderr:\n${err}`)), timeoutMs);
        const check = () => {
          const line = out.split('\n').find(match);
          if (line !== undefined) {
            clearTimeout(timer);
            child.stdout.off('data', check);
            resolve(line);
          }
        };
        child.stdout.on('data', check);
        void exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`exited before the line appeared; stdout:\n${out}\nstderr:\n${err}`));
        });
        check();
      });
    },
  };
}
