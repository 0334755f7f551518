import { startCli, type CliProcess } from './cliProcess.js';

export interface ServeProcess {
  cli: CliProcess;
  http: number;
  socket: number;
}

/**
 * `faxengine serve` as a child process on loopback with the given data dir and environment; answers
 * once both listeners are up, with the ports they bound (the log line says which).
 */
export async function startServe(options: { dataDir: string; eslPort: number; socketListen?: string; env?: NodeJS.ProcessEnv; readyTimeoutMs?: number; built?: boolean }): Promise<ServeProcess> {
  const cli = startCli(['serve'], {
    cwd: options.dataDir,
    built: options.built === true,
    env: {
      FAXENGINE_DATA_DIR: options.dataDir,
      FAXENGINE_HTTP_LISTEN: '127.0.0.1:0',
      FAXENGINE_SOCKET_LISTEN: options.socketListen ?? '127.0.0.1:0',
      FAXENGINE_FREESWITCH_ESL: `127.0.0.1:${options.eslPort}`,
      FAXENGINE_LOG_LEVEL: 'info',
      ...options.env,
    },
  });
  const port = async (message: string) => {
    const line = await cli.waitForLine((text) => text.includes(message), options.readyTimeoutMs ?? 60_000);
    return Number((JSON.parse(line) as { address: string }).address.split(':').at(-1));
  };
  try {
    return { cli, socket: await port('accepting FreeSWITCH outbound sockets'), http: await port('HTTP API listening') };
  } catch (error) {
    cli.child.kill('SIGKILL');
    throw error;
  }
}

/** What one faxengine process did that the test did not ask for: exiting on its own, logging errors. */
export interface Lifetime {
  /** Call before sending the signal that ends it on purpose. */
  ending(): void;
  /** Why it exited although nobody ended it, if it did. */
  unexpectedExit(): string | undefined;
  /** Its error and fatal log lines, grouped by message and error text. */
  errors(): string[];
}

export function watchLifetime(server: ServeProcess, name: string): Lifetime {
  let ending = false;
  let exit: string | undefined;
  server.cli.child.once('exit', (code, signal) => {
    if (!ending) exit = `${name} exited on its own (${code ?? signal}); stderr: ${server.cli.stderr().slice(-800)}`;
  });
  return {
    ending: () => (ending = true),
    unexpectedExit: () => exit ?? (!ending && server.cli.child.exitCode !== null ? `${name} exited on its own (${server.cli.child.exitCode})` : undefined),
    errors() {
      const counts = new Map<string, number>();
      for (const line of server.cli.stdout().split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
          if ((entry.level ?? 0) < 50) continue;
          const text = `"${entry.msg ?? ''}"${entry.err?.message ? `: ${entry.err.message}` : ''}`;
          counts.set(text, (counts.get(text) ?? 0) + 1);
        } catch {
          // A line cut short by SIGKILL.
        }
      }
      return [...counts].map(([text, count]) => `${name} logged ${count}× ${text}`);
    },
  };
}
