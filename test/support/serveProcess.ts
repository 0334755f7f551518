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
export async function startServe(options: { dataDir: string; eslPort: number; socketListen?: string; env?: NodeJS.ProcessEnv; readyTimeoutMs?: number }): Promise<ServeProcess> {
  const cli = startCli(['serve'], {
    cwd: options.dataDir,
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
