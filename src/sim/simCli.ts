import { readFileSync } from 'node:fs';
import { startControlServer } from './controlServer.js';
import { parseScenario } from './scenario.js';
import { createSimulator, type HostPort } from './simulator.js';

const HELP = `faxengine sim — a FreeSWITCH stand-in that speaks the real Event Socket protocol

Usage: faxengine sim [options]

Options:
  --listen <host:port>    inbound ESL listener, like mod_event_socket (default 127.0.0.1:8021)
  --password <pw>         ESL password (default ClueCon)
  --dial <host:port>      faxengine's outbound-socket server for simulated inbound calls
                          (default 127.0.0.1:8084)
  --control <host:port>   HTTP test-control server (off unless given)
  --scenario <file>       JSON scenario: gateways, remote stations, timeScale
  --time-scale <factor>   multiply every simulated duration (1 = real time, 0.001 = 60 s in 60 ms)
  --help                  show this text

Examples:
  faxengine sim
  faxengine sim --listen 0.0.0.0:8021 --dial 127.0.0.1:8084 --control 127.0.0.1:8090 --time-scale 0.1
  curl -XPOST localhost:8090/calls -d '{"from":"+15551230000","to":"+15559870000"}'
  curl localhost:8090/channels

Scenario file example:
  {"gateways":{"gw1":{"state":"up","ip":"203.0.113.10"},"gw2":{"state":"down"}},
   "stations":{"15551234567":{"outcome":"USER_BUSY"},"15557654321":{"t38":"refuse","pages":3}}}
`;

const OPTIONS = new Set(['--listen', '--password', '--dial', '--control', '--scenario', '--time-scale']);

function hostPort(option: string, value: string): HostPort {
  const match = /^(.*):(\d+)$/.exec(value);
  const port = Number(match?.[2]);
  if (!match || !match[1] || port > 65535) throw new Error(`${option}: expected <host:port>, got "${value}"`);
  return { host: match[1], port };
}

function parseArgs(argv: string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') values.set('--help', '');
    else if (!OPTIONS.has(arg)) throw new Error(`unknown option ${arg}`);
    else if (argv[i + 1] === undefined) throw new Error(`${arg}: missing value`);
    else values.set(arg, argv[++i] as string);
  }
  return values;
}

/** `faxengine sim …`: runs the simulator until SIGINT/SIGTERM; returns the exit code. */
export async function runSimCommand(argv: string[]): Promise<number> {
  let options: Map<string, string>;
  let scenario;
  let listen: HostPort;
  let dial: HostPort;
  let control: HostPort | undefined;
  let timeScale: number | undefined;
  try {
    options = parseArgs(argv);
    if (options.has('--help')) {
      process.stdout.write(HELP);
      return 0;
    }
    listen = hostPort('--listen', options.get('--listen') ?? '127.0.0.1:8021');
    dial = hostPort('--dial', options.get('--dial') ?? '127.0.0.1:8084');
    const controlText = options.get('--control');
    control = controlText === undefined ? undefined : hostPort('--control', controlText);
    const scaleText = options.get('--time-scale');
    timeScale = scaleText === undefined ? undefined : Number(scaleText);
    if (timeScale !== undefined && !(timeScale > 0)) throw new Error(`--time-scale: expected a number > 0, got "${scaleText}"`);
    const file = options.get('--scenario');
    try {
      scenario = file === undefined ? undefined : parseScenario(JSON.parse(readFileSync(file, 'utf8')));
    } catch (error) {
      throw new Error(`--scenario: ${file}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  } catch (error) {
    process.stderr.write(`faxengine sim: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const sim = await createSimulator({ listen, dial, password: options.get('--password') ?? 'ClueCon', scenario, timeScale });
  const controlServer = control ? await startControlServer(sim, control) : undefined;
  const controlText = controlServer ? `, control http://${controlServer.address.host}:${controlServer.address.port}` : '';
  process.stdout.write(`faxengine sim listening: esl ${sim.eslAddress.host}:${sim.eslAddress.port}, dialing ${dial.host}:${dial.port}${controlText}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await controlServer?.close();
  await sim.close();
  return 0;
}
