// Runs the CLI from source (under tsx), as bin/faxengine.js runs the compiled one.
import { runCli } from '../../src/cli.js';

process.exitCode = await runCli(process.argv.slice(2));
