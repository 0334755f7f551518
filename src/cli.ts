import { ConfigError } from './config/loadConfig.js';
import { version } from './version.js';
import { ListenError } from './startup/listenError.js';

type Command = { summary: string; run: (argv: string[]) => Promise<number> };

/**
 * Subcommands; each module parses its own options and prints its own --help. Each is imported
 * only when it runs: a server process never loads the simulator, the demo or the API client
 * (their modules and libraries would stay in its memory for ever).
 */
const commands: Record<string, Command> = {
  serve: { summary: 'start the fax server (API, event store, FreeSWITCH connections)', run: async (argv) => (await import('./commands/serveCommand.js')).runServeCommand(argv) },
  sim: { summary: 'run the FreeSWITCH simulator (inbound ESL, outbound sockets, scripted faxes) for tests and demos', run: async (argv) => (await import('./sim/simCli.js')).runSimCommand(argv) },
  projections: { summary: 'rebuild the read models from the event store (`projections rebuild`)', run: async (argv) => (await import('./commands/projectionsCommand.js')).runProjectionsCommand(argv) },
  send: { summary: 'send a fax through a running server and follow it until it is sent or has failed', run: async (argv) => (await import('./commands/sendCommand.js')).runSendCommand(argv) },
  verify: { summary: "check a signed export offline: signature, every file's hash, nothing missing or extra", run: async (argv) => (await import('./commands/verifyCommand.js')).runVerifyCommand(argv) },
  access: { summary: "check a tenant's access trail: its hash chain, from the first entry (`access verify <tenantId>`)", run: async (argv) => (await import('./commands/accessCommand.js')).runAccessCommand(argv) },
  demo: { summary: 'start faxengine with the simulator, receive a fax and send one: a guided first look', run: async (argv) => (await import('./commands/demoCommand.js')).runDemoCommand(argv) },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return `Usage: faxengine <command> [options]

Commands:
${lines.join('\n')}

Options:
  -h, --help     show this help (or \`faxengine <command> --help\`)
  -v, --version  print the version

faxengine ${version}`;
}

/** Runs the command line and returns the process exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? 1 : 0;
  }
  if (name === '-v' || name === '--version') {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`faxengine: unknown command "${name}" — see \`faxengine --help\`\n`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    // Start-up failures an operator can fix get one clear line, not a stack trace.
    if (error instanceof ConfigError || error instanceof ListenError || isUsageError(error)) {
      process.stderr.write(`faxengine ${name}: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
}

function isUsageError(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
