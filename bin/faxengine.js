#!/usr/bin/env node
// The published entry point runs the compiled CLI; `npm run build` (part of the README's set-up) produces it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(compiled))) {
  process.stderr.write('faxengine: not built yet — run `npm run build` (or `bash .ci/setup`) first\n');
  process.exit(1);
}
const { runCli } = await import(compiled.href);
process.exitCode = await runCli(process.argv.slice(2));
