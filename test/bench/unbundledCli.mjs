// bin/faxengine.js for tsc's unbundled dist/src (BENCH_UNBUNDLED=1, see compiledServer.ts).
import { runCli } from '../../dist/src/cli.js';

process.exitCode = await runCli(process.argv.slice(2));
