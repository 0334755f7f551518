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
  const server = await startServer(config, logger);

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  logger.info({ signal }, 'shutting down');
  await server.close();
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
  return 0;
}
