// The production build of `faxengine` (bin/faxengine.js runs it): the compiled CLI (dist/src/cli.js,
// from `tsc -p tsconfig.build.json`) bundled into dist/bundle. Why (#17, idle memory and start-up):
// as ~570 separate modules the server kept every module's full source text and record in its heap
// (zod alone is 95 modules, its 64 locales included); one minified bundle, tree-shaken, idles at
// 78–79 MB instead of 84–85 and answers /readyz in ~0.35 s instead of ~0.55 s.
// Commands and adapters that are loaded on demand (import()) stay separate chunks, loaded on demand.
// Function names are kept (stack traces and logs name them); the source maps lead back to the
// TypeScript: run with NODE_OPTIONS=--enable-source-maps to see source lines in stack traces.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry content hashes: a previous build's chunks would otherwise pile up.
rmSync('dist/bundle', { recursive: true, force: true });
await build({
  entryPoints: ['dist/src/cli.js'],
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  keepNames: true,
  sourcemap: true,
  logLevel: 'warning',
  external: [
    // A native addon, found through its own package at run time.
    'better-sqlite3',
    // Calls the deprecated Buffer(), which Node reports only for code outside node_modules.
    'modesl',
    // Loaded only when configured (Kafka, SMTP, PostgreSQL, KurrentDB); large, and some load files by path.
    'kafkajs',
    'nodemailer',
    'pg',
    '@kurrent/kurrentdb-client',
    // Transports are started by package name in a worker thread.
    'pino',
    'pino-loki',
    'pino-pretty',
    // Required lazily through createRequire, or served as files from their package.
    'libphonenumber-js',
    '@scalar/api-reference',
    'prom-client',
  ],
  // Bundled CommonJS code calls require() for Node's built-ins, which an ES module lacks.
  banner: { js: "import { createRequire as __faxengineRequire } from 'node:module'; const require = __faxengineRequire(import.meta.url);" },
});
