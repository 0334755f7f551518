import { parseArgs } from 'node:util';
import { openEventStore } from '../adapters/eventStore/openEventStore.js';
import { checkAccessChain } from '../api/services/accessChainCheck.js';
import { loadConfig } from '../config/loadConfig.js';
import { accessStream } from '../domain/access/accessEvents.js';
import { processIo, type CommandIo } from './commandIo.js';

export const accessHelp = `Usage: faxengine access verify <tenantId | system> [--config <file>]

Checks the hash chain of a tenant's access trail (README: Access trail) in the configured event
store, from its first entry: each entry's hash, its link to the one before, its place. Reads the
store directly, so it works with the server stopped too. Exit code 0: the chain holds; 1: it is
broken (the first entry that fails is named); 2: usage.

Options:
  --config <file>   JSON configuration file (default: FAXENGINE_CONFIG, else ./faxengine.json if present)
  -h, --help        show this help`;

/** `faxengine access verify <tenant>`. */
export async function runAccessCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    io.out(accessHelp);
    return 0;
  }
  if (positionals[0] !== 'verify' || positionals.length !== 2 || !positionals[1]) {
    io.err(accessHelp);
    return 2;
  }
  const tenant = positionals[1];
  const { config } = loadConfig({ configPath: values.config });
  const eventStore = await openEventStore(config.eventStore!);
  try {
    const report = await checkAccessChain(eventStore, accessStream(tenant === 'system' ? null : tenant));
    if (report.ok) {
      io.out(`${report.stream}: chain verified, ${report.entries} entries; head revision ${report.head.revision ?? 'none'}, hash ${report.head.hash}`);
      return 0;
    }
    const broken = report.broken!;
    io.out(`${report.stream}: chain BROKEN at revision ${broken.revision} (entry ${broken.entryId ?? 'unknown'}, ${broken.at ?? 'no time'}): ${broken.reason}: ${broken.detail}`);
    io.out(`  ${report.entries - 1} entries before it check; head of the intact part: revision ${report.head.revision ?? 'none'}, hash ${report.head.hash}`);
    return 1;
  } finally {
    await eventStore.close();
  }
}
