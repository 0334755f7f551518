#!/usr/bin/env node
// The published entry point runs the bundled CLI (esbuild.config.mjs); `npm run build` (part of the README's set-up) produces it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/bundle/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(compiled))) {
  process.stderr.write('faxengine: not built yet — run `npm run build` (or `bash .ci/setup`) first\n');
  process.exit(1);
}

// Started by npm (`npm start`, `npx faxengine`), this process is npm's grandchild: npm → `sh -c` →
// node. npm hands a SIGTERM to the shell only, which dies without passing it on, and this process
// would live on as an orphan, still serving. Its life is npm's: once the parent is gone, stop as
// SIGTERM stops it (draining). Started any other way (systemd, a container, a shell), the parent
// is left alone: `nohup faxengine serve &` must outlive its shell.
if (process.env.npm_lifecycle_event !== undefined) {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    process.kill(process.pid, 'SIGTERM');
  }, 500);
  watch.unref();
}

const { runCli } = await import(compiled.href);
process.exitCode = await runCli(process.argv.slice(2));
