import { Hono } from 'hono';
import { docsAssetPaths, docsAssets } from './docsAssets.js';
import { bodyBytes } from '../bodyBytes.js';

/** What the page needs of the OpenAPI document: its title and operations. */
export interface DocsSource {
  info: { title: string; version: string };
  paths?: Record<string, object | undefined>;
}

/**
 * Scalar's options for this server: its own document, no web fonts, no developer toolbar (its
 * "share" and "generate SDK" buttons upload the document to Scalar's services) and no AI agent,
 * so the page never reaches beyond this server. Try-it requests go to this server's origin.
 * Given as the mount point's `data-configuration`, which Scalar reads before its first render
 * (options given to `createApiReference` apply only after it, when the fonts are already asked for).
 */
const scalarOptions = {
  withDefaultFonts: false,
  showDeveloperTools: 'never',
  agent: { disabled: true },
  telemetry: false,
  documentDownloadType: 'json',
};

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Every operation, by tag, as the list the page shows without JavaScript. */
function operationList(doc: DocsSource): string {
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, value] of Object.entries((item ?? {}) as Record<string, unknown>)) {
      if (!methods.includes(method)) continue;
      const op = value as { summary?: string; tags?: string[] };
      const tag = op.tags?.[0] ?? 'Other';
      const line = `<li><code>${method.toUpperCase()} ${escapeHtml(path)}</code>${op.summary ? ` — ${escapeHtml(op.summary)}` : ''}</li>`;
      byTag.set(tag, [...(byTag.get(tag) ?? []), line]);
    }
  }
  return [...byTag].map(([tag, lines]) => `<h2>${escapeHtml(tag)}</h2><ul>${lines.join('')}</ul>`).join('\n');
}

function page(doc: DocsSource): string {
  const title = `${escapeHtml(doc.info.title)} API ${escapeHtml(doc.info.version)}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
</head><body>
<noscript>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem 2rem}code{font:13px ui-monospace,monospace}</style>
<h1>${title}</h1>
<p>The interactive reference needs JavaScript. The whole API is described by its OpenAPI document:
<a href="/openapi.json">/openapi.json</a> (open it in any OpenAPI tool). Its operations:</p>
${operationList(doc)}
</noscript>
<div id="api-reference" data-url="/openapi.json" data-configuration="${escapeHtml(JSON.stringify(scalarOptions))}"></div>
<script src="${docsAssetPaths.scalar}"></script>
</body></html>`;
}

/**
 * The page loads scripts from this server only, talks to this server only (the document and
 * try-it requests), and may not be framed. Scalar injects its styles, hence 'unsafe-inline' for
 * styles; blob: is for the response previews and downloads of its request client.
 */
const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "frame-src 'self' blob:",
  "media-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * `/docs`: the API reference, rendered by Scalar (@scalar/api-reference) from the server's own
 * OpenAPI document with try-it requests, its files served from node_modules under /docs/assets/
 * so nothing is fetched from elsewhere; without JavaScript, a list of the operations. `/` sends
 * whoever opens the server's address there (a bare 404 tells a newcomer nothing).
 */
export function docsPageRoutes(document: () => DocsSource): Hono {
  let html: string | undefined;
  return new Hono()
    .get('/docs', (c) => {
      // The document is fixed once the app is built: render the page once.
      html ??= page(document());
      c.header('content-security-policy', contentSecurityPolicy);
      c.header('x-content-type-options', 'nosniff');
      c.header('cache-control', 'no-cache');
      return c.html(html);
    })
    .get('/docs/assets/:file', async (c) => {
      const asset = docsAssets.get(c.req.path);
      if (!asset) return c.notFound();
      const { plain, gzipped } = await asset.body();
      const gzipOk = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
      const headers: Record<string, string> = {
        'content-type': asset.contentType,
        'cache-control': asset.cacheControl,
        'x-content-type-options': 'nosniff',
        vary: 'accept-encoding',
        ...(gzipOk ? { 'content-encoding': 'gzip' } : {}),
      };
      return c.body(bodyBytes(gzipOk ? gzipped : plain), 200, headers);
    })
    .get('/', (c) => c.redirect('/docs', 302));
}
