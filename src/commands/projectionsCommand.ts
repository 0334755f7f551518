import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openProtectedEventStore } from '../adapters/eventStore/personalData/openProtectedEventStore.js';
import { loadKeyRing } from '../adapters/crypto/loadKeyRing.js';
import { loadConfig } from '../config/loadConfig.js';
import { createLogger } from '../logging/createLogger.js';
import { rebuildReadModels } from '../reactors/readModels.js';

export const projectionsHelp = `Usage: faxengine projections rebuild [--config <file>]

Rebuilds every projection from the event store into a new read store, then puts it in place of
<dataDir>/readmodels.sqlite; a rebuild that fails leaves the previous one as it was. Run it with the
server stopped; the server itself resumes from checkpoints on start-up.

Options:
  --config <file>   JSON configuration file (default: FAXENGINE_CONFIG, else ./faxengine.json if present)
  -h, --help        show this help`;

/** `faxengine projections rebuild`: returns 0 when the read store matches the event store again. */
export async function runProjectionsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(`${projectionsHelp}\n`);
    return 0;
  }
  if (positionals[0] !== 'rebuild' || positionals.length !== 1) {
    process.stderr.write(`${projectionsHelp}\n`);
    return 2;
  }
  const { config } = loadConfig({ configPath: values.config });
  const logger = createLogger(config);
  mkdirSync(config.dataDir, { recursive: true });
  // Read as the server reads it: personal fields opened with the same keys (README: Crypto-shredding).
  const { eventStore } = await openProtectedEventStore(config.eventStore!, loadKeyRing(config.encryption, config.dataDir));
  const started = performance.now();
  try {
    const position = await rebuildReadModels({ dataDir: config.dataDir, eventStore, logger, defaultCountry: config.numbers.defaultCountry });
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(`rebuilt read models up to event position ${position} in ${seconds.toFixed(2)} s\n`);
  } finally {
    await eventStore.close();
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
  }
  return 0;
}
