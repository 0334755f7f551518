import { parseArgs } from 'node:util';
import { loadConfig } from '../config/loadConfig.js';
import { createLogger } from '../logging/createLogger.js';
import { startServer } from '../main.js';

export const serveHelp = `Usage: faxengine serve [--config <file>]

Starts the API, the event store and the FreeSWITCH connections. With no configuration it runs on
the embedded defaults under ./data (SQLite event store, in-process bus).

Options:
  --config <file>   JSON configuration file (default: FAXENGINE_CONFIG, else ./faxengine.json if present)
  -h, --help        show this help

Every setting can also come from the environment; see the README's configuration reference.`;

/** `faxengine serve`: runs until SIGINT/SIGTERM, then shuts down cleanly and returns 0. */
export async function runServeCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(`${serveHelp}\n`);
    return 0;
  }
  const { config } = loadConfig({ configPath: values.config });
  const logger = createLogger(config);
  // A reload reads the key file and the config file again (the environment of a running process cannot change).
  const server = await startServer(config, logger, { encryptionSettings: () => loadConfig({ configPath: values.config }).config.encryption });
  // SIGHUP reloads the at-rest key ring after a key rotation (README: Encryption at rest).
  const onHangup = () => {
    server.reloadKeys().then(
      (status) => logger.info({ currentKey: status.currentKey, underOldKeys: status.stores.reduce((sum, store) => sum + store.underOldKeys, 0) }, 'SIGHUP: key ring reloaded'),
      (error: unknown) => logger.error({ err: error }, `SIGHUP: key ring not reloaded: ${(error as Error).message}`),
    );
  };
  process.on('SIGHUP', onHangup);

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  process.off('SIGHUP', onHangup);
  logger.info({ signal }, 'shutting down');
  await server.close();
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
  return 0;
}
