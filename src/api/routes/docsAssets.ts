import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';

const gzip = promisify(gzipCallback);

/** One file the docs page loads, served by faxengine itself (no CDN: the page works offline). */
export interface DocsAsset {
  contentType: string;
  /** Versioned names never change content, so browsers may keep them for good. */
  cacheControl: string;
  body: () => Promise<{ plain: Buffer; gzipped: Buffer }>;
}

const require = createRequire(import.meta.url);
const scalarBundle = require.resolve('@scalar/api-reference/browser/standalone.js');
// The bundle's package.json is not exported; it sits two folders above dist/browser/standalone.js.
const scalarVersion = (JSON.parse(readFileSync(join(dirname(scalarBundle), '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

/** The paths the page references, under /docs/assets/. */
export const docsAssetPaths = {
  scalar: `/docs/assets/scalar-api-reference-${scalarVersion}.js`,
} as const;

/** Reads and compresses each asset once, on first use, off the event loop (zlib runs in the thread pool). */
function cached(load: () => Promise<Buffer>): DocsAsset['body'] {
  let body: Promise<{ plain: Buffer; gzipped: Buffer }> | undefined;
  return () => {
    body ??= load().then(async (plain) => ({ plain, gzipped: await gzip(plain) }));
    // A failed read is tried again next time rather than remembered.
    body.catch(() => (body = undefined));
    return body;
  };
}

const immutable = 'public, max-age=31536000, immutable';
const javascript = 'text/javascript; charset=utf-8';

/** The docs page's assets by path. */
export const docsAssets: ReadonlyMap<string, DocsAsset> = new Map([
  [docsAssetPaths.scalar, { contentType: javascript, cacheControl: immutable, body: cached(() => readFile(scalarBundle)) }],
]);
