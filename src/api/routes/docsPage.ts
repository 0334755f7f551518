import { Hono } from 'hono';

/**
 * `/docs`: the OpenAPI document rendered by a few lines of inline script, so it works offline
 * (no CDN, no bundled UI). Each operation lists its parameters, body and responses.
 */
const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>faxengine API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem 2rem;color:#222}
h2{border-bottom:1px solid #ccc;margin-top:2rem}details{border:1px solid #ddd;border-radius:4px;margin:.4rem 0;padding:.3rem .6rem}
summary{cursor:pointer}code,pre{font:13px ui-monospace,monospace}pre{background:#f6f6f6;padding:.5rem;overflow:auto}
.m{display:inline-block;width:4.5rem;font-weight:bold;text-transform:uppercase}.get{color:#07a}.post{color:#080}.put,.patch{color:#a60}.delete{color:#c00}
</style></head><body>
<h1 id="title">faxengine API</h1><p>Machine-readable: <a href="/openapi.json">/openapi.json</a></p><div id="ops">Loading…</div>
<script>
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const json = (v) => '<pre>' + esc(JSON.stringify(v, null, 2)) + '</pre>';
fetch('/openapi.json').then((r) => r.json()).then((doc) => {
  document.getElementById('title').textContent = doc.info.title + ' ' + doc.info.version;
  const byTag = {};
  for (const [path, item] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(item)) {
    const tag = (op.tags && op.tags[0]) || 'Other';
    (byTag[tag] = byTag[tag] || []).push({ path, method, op });
  }
  let html = '';
  for (const [tag, ops] of Object.entries(byTag)) {
    html += '<h2>' + esc(tag) + '</h2>';
    for (const { path, method, op } of ops) {
      html += '<details><summary><span class="m ' + method + '">' + method + '</span><code>' + esc(path) + '</code> ' + esc(op.summary || '') + '</summary>';
      if (op.security) html += '<p>Auth: ' + esc(op.security.map((s) => Object.keys(s).join('+')).join(' or ')) + '</p>';
      if (op.parameters && op.parameters.length) html += '<p>Parameters:</p>' + json(op.parameters.map((p) => ({ name: p.name, in: p.in, required: !!p.required, schema: p.schema })));
      if (op.requestBody) html += '<p>Body:</p>' + json(op.requestBody.content);
      html += '<p>Responses:</p>' + json(op.responses);
      html += '</details>';
    }
  }
  html += '<h2>Schemas</h2>' + json((doc.components && doc.components.schemas) || {});
  document.getElementById('ops').innerHTML = html;
}).catch((e) => { document.getElementById('ops').textContent = 'Could not load /openapi.json: ' + e; });
</script></body></html>`;

/** `/docs`, and `/` sending whoever opens the server's address there (a bare 404 tells a newcomer nothing). */
export function docsPageRoutes(): Hono {
  return new Hono().get('/docs', (c) => c.html(page)).get('/', (c) => c.redirect('/docs', 302));
}
